import logging

from odoo import _, http
from odoo.http import request

from ..models.linkedin_onboarding import CALLBACK_ROUTE

_logger = logging.getLogger(__name__)


class OnboardingController(http.Controller):
    """Receive what LinkedIn's onboarding plugin returns in the browser."""

    @http.route(CALLBACK_ROUTE, type="json", auth="user")
    def onboarding_callback(self, backend_id=None, integrations=None, **extra):
        """Store the integrations the plugin granted for one backend.

        Odoo 11 puts no CSRF token on JSON routes, so the guard is the
        session's user: a LinkedIn administrator whose companies include the
        backend's company. Returns ``{"ok": bool, "message": str}``.
        """
        user = request.env.user
        try:
            backend_id = int(backend_id)
        except (TypeError, ValueError):
            _logger.warning(
                "linkedin onboarding callback rejected: invalid backend id %r from "
                "user %s",
                backend_id,
                user.id,
            )
            return {
                "ok": False,
                "message": _("The request is missing a valid backend id."),
            }
        backend = request.env["linkedin.backend"].sudo().browse(backend_id).exists()
        service = request.env["linkedin.onboarding"].sudo()
        if not service.may_approve(user, backend):
            _logger.warning(
                "linkedin onboarding callback rejected: user %s is not a LinkedIn "
                "administrator of backend %s's company",
                user.id,
                backend_id,
            )
            return {
                "ok": False,
                "message": _(
                    "Only a LinkedIn administrator of the backend's company can "
                    "approve integrations."
                ),
            }
        if extra:
            _logger.info(
                "linkedin backend %s: onboarding callback ignored members %s",
                backend.id,
                ", ".join(sorted(extra)),
            )
        return (
            request.env["linkedin.onboarding"]
            .sudo()
            .handle_callback(backend, integrations)
        )
