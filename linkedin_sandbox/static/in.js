/*
 * Stand-in of LinkedIn's in.js loader, served by linkedin_sandbox at
 * /sandbox/plugins/in.js.
 *
 * As LinkedIn's loader does, it reads its settings from the text of its own
 * script tag, one "name: value" line each:
 *
 *     <script src=".../in.js">
 *     api_key: <client id>
 *     extensions: ATSIntegrationWidget@https://.../onboarding-widget.js
 *     </script>
 *
 * It sets window.IN.ENV.auth.api_key, loads each extension script once, and
 * renders every <script type="IN/<Name>"> tag of the document with the
 * extension of that name. IN.parse(root) renders the tags added under root
 * since. A page may load this script again (a single-page application
 * re-rendering a form does): the second run keeps the same IN object, takes
 * the new api_key, loads only extensions not loaded yet and parses again.
 *
 * An extension registers itself with
 * IN.addExtension(name, {render: function (tag) {...}}); render must
 * replace or remove the tag, or it is rendered again by the next parse.
 */
(function () {
    "use strict";

    var TAG_TYPE_PREFIX = "IN/";

    // document.currentScript is this script, also when it was inserted by
    // another script. It is null only in very old browsers; the fallback
    // picks the last script tag whose src names this file.
    function findOwnScript() {
        if (document.currentScript) {
            return document.currentScript;
        }
        var scripts = document.getElementsByTagName("script");
        for (var index = scripts.length - 1; index >= 0; index--) {
            if (/\/in\.js(\?|#|$)/.test(scripts[index].src || "")) {
                return scripts[index];
            }
        }
        return null;
    }

    // Parse "api_key: X" and "extensions: A@url1, B@url2" lines.
    function parseSettings(text) {
        var settings = {apiKey: null, extensions: []};
        var lines = (text || "").split(/\r?\n/);
        for (var index = 0; index < lines.length; index++) {
            var match = /^\s*([A-Za-z_]+)\s*:\s*(.*?)\s*$/.exec(lines[index]);
            if (!match) {
                continue;
            }
            if (match[1] === "api_key") {
                settings.apiKey = match[2];
            } else if (match[1] === "extensions") {
                var entries = match[2].split(",");
                for (var entry = 0; entry < entries.length; entry++) {
                    var parts = /^\s*([^@\s]+)@(\S+)\s*$/.exec(entries[entry]);
                    if (parts) {
                        settings.extensions.push({name: parts[1], url: parts[2]});
                    }
                }
            }
        }
        return settings;
    }

    function createIN() {
        var IN = {
            ENV: {auth: {api_key: null}, js: {extensions: {}}},
            sandbox: true,
            // name -> {url, state: "loading" | "ready" | "failed", renderer}
            _extensions: {},
            // Roots passed to parse() while an extension was still loading.
            _pendingRoots: []
        };

        IN.addExtension = function (name, renderer) {
            var extension = IN._extensions[name];
            if (!extension) {
                extension = IN._extensions[name] = {url: null};
            }
            extension.state = "ready";
            extension.renderer = renderer;
            IN.ENV.js.extensions[name] = true;
            var roots = IN._pendingRoots;
            IN._pendingRoots = [];
            roots.push(document);
            for (var index = 0; index < roots.length; index++) {
                IN.parse(roots[index]);
            }
        };

        IN.loadExtension = function (name, url) {
            if (IN._extensions[name]) {
                return;
            }
            var extension = IN._extensions[name] = {url: url, state: "loading"};
            var script = document.createElement("script");
            script.type = "text/javascript";
            script.src = url;
            script.setAttribute("data-in-extension", name);
            script.onerror = function () {
                extension.state = "failed";
                if (window.console) {
                    window.console.error("in.js: loading extension " + name +
                        " from " + url + " failed");
                }
            };
            (document.head || document.documentElement).appendChild(script);
        };

        // Render the IN/<Name> tags under root (default: the document) whose
        // extension is loaded. Tags of an extension still loading are
        // rendered once it registers.
        IN.parse = function (root) {
            root = root || document;
            var tags = root.querySelectorAll('script[type^="' + TAG_TYPE_PREFIX + '"]');
            var waiting = false;
            for (var index = 0; index < tags.length; index++) {
                var tag = tags[index];
                var name = tag.getAttribute("type").slice(TAG_TYPE_PREFIX.length);
                var extension = IN._extensions[name];
                if (extension && extension.state === "ready") {
                    extension.renderer.render(tag);
                } else if (extension && extension.state === "loading") {
                    waiting = true;
                }
            }
            if (waiting && root !== document && IN._pendingRoots.indexOf(root) < 0) {
                IN._pendingRoots.push(root);
            }
        };

        return IN;
    }

    var ownScript = findOwnScript();
    var settings = parseSettings(ownScript ? ownScript.text : "");
    var IN = window.IN && window.IN.sandbox ? window.IN : createIN();
    window.IN = IN;
    if (settings.apiKey) {
        IN.ENV.auth.api_key = settings.apiKey;
    } else if (window.console) {
        window.console.warn("in.js: no api_key line in the script tag");
    }
    for (var index = 0; index < settings.extensions.length; index++) {
        IN.loadExtension(settings.extensions[index].name, settings.extensions[index].url);
    }
    IN.parse(document);
}());
