"""Make ``import linkedin`` load the add-on's framework-free package.

The add-on folder goes first on ``sys.path``, so the package is tested without
Odoo installed.
"""

import sys
from pathlib import Path

ADDON_DIR = Path(__file__).resolve().parents[2] / "linkedin_crm_connect"

if str(ADDON_DIR) in sys.path:
    sys.path.remove(str(ADDON_DIR))
sys.path.insert(0, str(ADDON_DIR))
