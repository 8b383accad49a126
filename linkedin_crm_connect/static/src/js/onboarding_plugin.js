odoo.define("linkedin_crm_connect.onboarding_plugin", function () {
    "use strict";
});
