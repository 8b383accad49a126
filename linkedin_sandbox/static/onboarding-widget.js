/*
 * Stand-in of LinkedIn's onboarding plugin (extension ATSIntegrationWidget),
 * served by linkedin_sandbox at /sandbox/plugins/onboarding-widget.js and
 * loaded by the stand-in in.js.
 *
 * Each <script type="IN/ATSIntegrationWidget"> tag is replaced by a box in
 * which a Recruiter admin approves the integrations. The tag's attributes:
 *
 *   data-supported-bundled-integration-types  bundle or integration types,
 *                                             separated by commas
 *   data-onintegrate     name of a global function, called with the array
 *                        of granted integrations, or [] on Cancel
 *   data-width           width of the box in pixels (optional)
 *   data-sandbox-organization, data-sandbox-contract
 *                        initial organization and contract URNs (optional)
 *
 * Approve posts the grant to /sandbox/onboarding/grant of the server that
 * served this script, with IN.ENV.auth.api_key as client_id, and passes the
 * returned payload to the data-onintegrate function.
 */
(function () {
    "use strict";

    var EXTENSION_NAME = "ATSIntegrationWidget";
    var TITLE = "LinkedIn Recruiter \u2014 integration approval (sandbox)";
    var DEFAULT_ORGANIZATION = "urn:li:organization:1001";
    var DEFAULT_CONTRACT = "urn:li:contract:2001";
    var GRANT_PATH = "/sandbox/onboarding/grant";
    var widgetCount = 0;

    function findOwnScript() {
        if (document.currentScript) {
            return document.currentScript;
        }
        var scripts = document.getElementsByTagName("script");
        for (var index = scripts.length - 1; index >= 0; index--) {
            if (/\/onboarding-widget\.js(\?|#|$)/.test(scripts[index].src || "")) {
                return scripts[index];
            }
        }
        return null;
    }

    // The grant goes to the server that served this script: scheme, host and
    // port of its src.
    var ownScript = findOwnScript();
    var originMatch = /^(https?:\/\/[^\/?#]+)/.exec(ownScript ? ownScript.src : "");
    var grantUrl = (originMatch ? originMatch[1] : "") + GRANT_PATH;

    function parseTypes(text) {
        var types = [];
        var parts = (text || "").split(/[\s,]+/);
        for (var index = 0; index < parts.length; index++) {
            if (parts[index] && types.indexOf(parts[index]) < 0) {
                types.push(parts[index]);
            }
        }
        return types;
    }

    function element(tagName, attributes, text) {
        var node = document.createElement(tagName);
        var names = Object.keys(attributes || {});
        for (var index = 0; index < names.length; index++) {
            node.setAttribute(names[index], attributes[names[index]]);
        }
        if (text !== undefined) {
            node.textContent = text;
        }
        return node;
    }

    function labelledInput(labelText, className, id, value) {
        var label = element("label", {
            "for": id,
            style: "display: block; margin: 8px 0 2px; font-weight: bold;",
        }, labelText);
        var input = element("input", {
            type: "text",
            id: id,
            "class": className,
            style: "width: 100%; box-sizing: border-box; padding: 4px;",
        });
        input.value = value;
        return {label: label, input: input};
    }

    function Widget(tag) {
        widgetCount += 1;
        var suffix = widgetCount === 1 ? "" : "-" + widgetCount;
        // The key in force when the box is rendered, so that a page that sets
        // another IN.ENV.auth.api_key later does not change this box's client.
        this.apiKey = window.IN.ENV.auth.api_key;
        this.callbackName = tag.getAttribute("data-onintegrate") || "";
        this.types = parseTypes(tag.getAttribute("data-supported-bundled-integration-types"));
        var width = parseInt(tag.getAttribute("data-width"), 10);

        var box = this.box = element("div", {
            "class": "li-onboarding-widget",
            "data-in-extension": EXTENSION_NAME,
            style: "border: 1px solid #0a66c2; border-radius: 4px; padding: 12px;" +
                " margin: 8px 0; background: #fff; color: #000;" +
                " font-family: sans-serif; font-size: 13px;" +
                " max-width: 100%; box-sizing: border-box;" +
                (width > 0 ? " width: " + width + "px;" : ""),
        });
        box.appendChild(element("div", {
            "class": "li-onboarding-title",
            style: "font-size: 15px; font-weight: bold; color: #0a66c2; margin-bottom: 8px;",
        }, TITLE));
        box.appendChild(element("div", {"class": "li-onboarding-client"},
            "Application (client id): " + (this.apiKey || "not set")));
        box.appendChild(element("div", {style: "margin-top: 8px;"},
            "Integrations requested:"));
        var list = element("ul", {"class": "li-onboarding-bundles", style: "margin: 4px 0;"});
        for (var index = 0; index < this.types.length; index++) {
            list.appendChild(element("li", {}, this.types[index]));
        }
        box.appendChild(list);

        var organization = labelledInput("Organization URN", "li-onboarding-organization",
            "li-onboarding-organization" + suffix,
            tag.getAttribute("data-sandbox-organization") || DEFAULT_ORGANIZATION);
        var contract = labelledInput("Contract URN", "li-onboarding-contract",
            "li-onboarding-contract" + suffix,
            tag.getAttribute("data-sandbox-contract") || DEFAULT_CONTRACT);
        this.organizationInput = organization.input;
        this.contractInput = contract.input;
        box.appendChild(organization.label);
        box.appendChild(organization.input);
        box.appendChild(contract.label);
        box.appendChild(contract.input);

        this.errorLine = element("div", {
            "class": "li-onboarding-error",
            role: "alert",
            style: "color: #b00020; margin-top: 8px; display: none;",
        });
        this.statusLine = element("div", {
            "class": "li-onboarding-status",
            style: "color: #1b5e20; margin-top: 8px; display: none;",
        });
        box.appendChild(this.errorLine);
        box.appendChild(this.statusLine);

        var buttons = element("div", {style: "margin-top: 12px;"});
        this.approveButton = element("button", {
            type: "button",
            id: "li-onboarding-approve" + suffix,
            "class": "li-onboarding-approve",
            style: "background: #0a66c2; color: #fff; border: 0; border-radius: 3px;" +
                " padding: 6px 16px; margin-right: 8px; cursor: pointer;",
        }, "Approve");
        this.cancelButton = element("button", {
            type: "button",
            id: "li-onboarding-cancel" + suffix,
            "class": "li-onboarding-cancel",
            style: "background: #fff; color: #0a66c2; border: 1px solid #0a66c2;" +
                " border-radius: 3px; padding: 6px 16px; cursor: pointer;",
        }, "Cancel");
        buttons.appendChild(this.approveButton);
        buttons.appendChild(this.cancelButton);
        box.appendChild(buttons);

        this.approveButton.addEventListener("click", this.approve.bind(this));
        this.cancelButton.addEventListener("click", this.cancel.bind(this));
        if (!this.types.length) {
            this.showError("data-supported-bundled-integration-types names no integration type");
            this.approveButton.disabled = true;
        }
        tag.parentNode.replaceChild(box, tag);
    }

    Widget.prototype.showError = function (message) {
        this.statusLine.style.display = "none";
        this.errorLine.textContent = message;
        this.errorLine.style.display = "block";
    };

    Widget.prototype.showStatus = function (message) {
        this.errorLine.style.display = "none";
        this.statusLine.textContent = message;
        this.statusLine.style.display = "block";
    };

    Widget.prototype.setBusy = function (busy) {
        this.approveButton.disabled = busy || !this.types.length;
        this.cancelButton.disabled = busy;
    };

    // Call the page's data-onintegrate function; return false when it failed.
    Widget.prototype.notifyPage = function (payload) {
        var callback = window[this.callbackName];
        if (typeof callback !== "function") {
            this.showError("data-onintegrate names no global function: '" +
                this.callbackName + "'");
            return false;
        }
        try {
            callback(payload);
        } catch (error) {
            this.showError("the data-onintegrate function " + this.callbackName +
                " raised: " + error);
            return false;
        }
        return true;
    };

    Widget.prototype.approve = function () {
        var self = this;
        var contract = self.contractInput.value.trim();
        var body = {
            client_id: self.apiKey,
            organization_urn: self.organizationInput.value.trim(),
            contract_urn: contract || null,
            integration_types: self.types,
        };
        var request = new XMLHttpRequest();
        request.open("POST", grantUrl);
        request.setRequestHeader("Content-Type", "application/json");
        request.onload = function () {
            self.setBusy(false);
            var response = null;
            try {
                response = JSON.parse(request.responseText);
            } catch (error) {
                response = null;
            }
            if (request.status !== 200 || !Array.isArray(response)) {
                var reason = response && response.message ? response.message :
                    request.responseText;
                self.showError("Approval failed (HTTP " + request.status + "): " + reason);
                return;
            }
            if (self.notifyPage(response)) {
                self.showStatus("Approved: " + response.length + " integrations granted.");
            }
        };
        request.onerror = function () {
            self.setBusy(false);
            self.showError("Approval failed: no response from " + grantUrl);
        };
        self.setBusy(true);
        self.showStatus("Approving\u2026");
        request.send(JSON.stringify(body));
    };

    Widget.prototype.cancel = function () {
        if (this.notifyPage([])) {
            this.showStatus("Cancelled: nothing granted.");
        }
    };

    if (!window.IN || typeof window.IN.addExtension !== "function") {
        if (window.console) {
            window.console.error(EXTENSION_NAME + ": load this script through in.js");
        }
        return;
    }
    window.IN.addExtension(EXTENSION_NAME, {
        render: function (tag) {
            return new Widget(tag);
        },
    });
}());
