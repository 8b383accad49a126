odoo.define("linkedin_crm_connect.onboarding_plugin", function (require) {
    "use strict";

    /**
     * Field widget "linkedin_onboarding_plugin": shows LinkedIn's onboarding
     * plugin on the backend form, where a Recruiter admin approves the
     * integrations of the company's application.
     *
     * The field is a read-only Text field holding JSON computed by the
     * server: {backend_id, ready, problem, script_url, extension_url,
     * api_key, bundles, callback_route, attributes}. When ready is false the
     * widget shows only the problem text. Otherwise it inserts the plugin's
     * <script type="IN/ATSIntegrationWidget"> tag and loads LinkedIn's in.js
     * once per page, which renders the tag. The plugin calls a global
     * function with the granted integrations, or an empty array on Cancel.
     * The widget posts them, as received, to callback_route and reloads the
     * form.
     */

    var AbstractField = require("web.AbstractField");
    var core = require("web.core");
    var fieldRegistry = require("web.field_registry");

    var _t = core._t;

    var EXTENSION_NAME = "ATSIntegrationWidget";
    var TAG_TYPE = "IN/" + EXTENSION_NAME;
    var CALLBACK_PREFIX = "lcc_onIntegrate_";
    // Marks the in.js script tag that this module inserted.
    var LOADER_ATTRIBUTE = "data-lcc-linkedin-loader";
    // Attribute names that the server's "attributes" may set on the tag.
    var DATA_ATTRIBUTE = /^data-[a-z0-9-]+$/;

    /**
     * Load in.js with the given settings, or, when it is loaded already,
     * render the plugin tags under element with IN.parse.
     */
    function loadPlugin(config, element, onFailure) {
        var IN = window.IN;
        if (IN && typeof IN.parse === "function") {
            if (IN.ENV && IN.ENV.auth && IN.ENV.auth.api_key !== config.api_key) {
                // NOTE: a page shows one LinkedIn application at a time, so
                // opening another company's backend switches the key that
                // in.js uses. LinkedIn documents no call that does this;
                // the sandbox's stand-in reads the key when it renders a tag.
                IN.ENV.auth.api_key = config.api_key;
            }
            IN.parse(element);
            return;
        }
        if (document.querySelector("script[" + LOADER_ATTRIBUTE + "]")) {
            // in.js is still loading, and it parses the whole document once
            // its extension is loaded.
            return;
        }
        var loader = document.createElement("script");
        loader.type = "text/javascript";
        loader.src = config.script_url;
        loader.setAttribute(LOADER_ATTRIBUTE, "1");
        // in.js reads its settings from its own tag's text, one per line.
        loader.text = "api_key: " + oneLine(config.api_key) + "\n" +
            "extensions: " + EXTENSION_NAME + "@" + oneLine(config.extension_url);
        loader.onerror = function () {
            // Remove the tag, so that the next rendering of the form tries again.
            loader.parentNode.removeChild(loader);
            onFailure(_.str.sprintf(
                _t("Loading LinkedIn's plugin script %s failed."), config.script_url));
        };
        document.head.appendChild(loader);
    }

    function oneLine(value) {
        return String(value || "").replace(/[\r\n]+/g, " ");
    }

    var OnboardingPlugin = AbstractField.extend({
        className: "o_linkedin_onboarding_plugin",
        supportedFieldTypes: ["text"],

        /**
         * @override
         */
        destroy: function () {
            this._removeCallback();
            this._super.apply(this, arguments);
        },

        /**
         * The field always contains a configuration, so the form never hides
         * it as empty.
         *
         * @override
         */
        isSet: function () {
            return true;
        },

        //----------------------------------------------------------------------
        // Private
        //----------------------------------------------------------------------

        /**
         * Parse the field's JSON. An invalid value gives a not-ready
         * configuration with the parse problem as its problem text.
         *
         * @private
         * @returns {Object}
         */
        _parseConfig: function () {
            var config;
            try {
                config = JSON.parse(this.value || "{}");
            } catch (error) {
                return {ready: false, problem: _t("The onboarding plugin settings are not valid JSON.")};
            }
            if (!config || typeof config !== "object") {
                return {ready: false, problem: _t("The onboarding plugin settings are not a JSON object.")};
            }
            return config;
        },

        /**
         * @private
         */
        _removeCallback: function () {
            if (this.callbackName && window[this.callbackName] === this.callback) {
                delete window[this.callbackName];
            }
            this.callbackName = null;
            this.callback = null;
        },

        /**
         * Same rendering in both modes, because the field is read-only.
         *
         * @override
         * @private
         */
        _render: function () {
            var config = this._parseConfig();
            this._removeCallback();
            this.$el.empty();
            if (!config.ready) {
                if (config.problem) {
                    this._showProblem(config.problem);
                }
                return;
            }

            // One global function per backend: the plugin finds it by the
            // name in data-onintegrate. A later rendering replaces it.
            this.callbackName = CALLBACK_PREFIX + config.backend_id;
            this.callback = this._onIntegrate.bind(this, config);
            window[this.callbackName] = this.callback;

            var tag = document.createElement("script");
            tag.type = TAG_TYPE;
            _.each(config.attributes || {}, function (value, name) {
                if (DATA_ATTRIBUTE.test(name)) {
                    tag.setAttribute(name, String(value));
                }
            });
            tag.setAttribute("data-supported-bundled-integration-types",
                (config.bundles || []).join(","));
            tag.setAttribute("data-onintegrate", this.callbackName);
            this.el.appendChild(tag);

            loadPlugin(config, this.el, this._showProblem.bind(this));
        },

        /**
         * @private
         * @param {string} message
         */
        _showProblem: function (message) {
            $("<div>", {"class": "o_linkedin_onboarding_problem alert alert-warning", role: "alert"})
                .text(message)
                .appendTo(this.$el);
        },

        //----------------------------------------------------------------------
        // Handlers
        //----------------------------------------------------------------------

        /**
         * Send what the plugin passed, as received, to the callback route,
         * show the route's message and reload the form.
         *
         * @private
         * @param {Object} config
         * @param {Array} integrations granted integrations; [] on Cancel
         * @returns {Deferred}
         */
        _onIntegrate: function (config, integrations) {
            var self = this;
            var title = _t("LinkedIn onboarding");
            return this._rpc({
                route: config.callback_route,
                params: {backend_id: config.backend_id, integrations: integrations},
            }).then(function (result) {
                if (self.isDestroyed()) {
                    return;
                }
                // Odoo 11 shows a notification's text as HTML, and the message
                // may quote values that came from the plugin.
                var message = _.escape((result && result.message) || "");
                if (result && result.ok) {
                    self.do_notify(title, message);
                } else {
                    // Sticky, because the message names what the admin must fix.
                    self.do_warn(title, message ||
                        _.escape(_t("Odoo did not record the integrations.")), true);
                }
                self.trigger_up("reload");
            });
        },
    });

    fieldRegistry.add("linkedin_onboarding_plugin", OnboardingPlugin);

    return OnboardingPlugin;
});
