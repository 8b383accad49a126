from . import onboarding
