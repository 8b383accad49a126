"""Tests for the runtime's scripts: addon pruning, the Odoo launcher, lib.sh."""

import configparser
import importlib.util
import subprocess
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
RUNTIME = REPO_ROOT / "runtime"
VENV_PYTHON = REPO_ROOT / ".venv" / "bin" / "python"

needs_venv = pytest.mark.skipif(
    not VENV_PYTHON.exists(), reason="no .venv; bin/test creates it"
)


def load_prune_module():
    spec = importlib.util.spec_from_file_location(
        "prune_unmet_addons", RUNTIME / "prune_unmet_addons.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def write_addon(addons_dir, name, depends, installable=True):
    folder = addons_dir / name
    folder.mkdir()
    manifest = {"name": name, "depends": depends, "installable": installable}
    (folder / "__manifest__.py").write_text(repr(manifest))


def test_find_unmet_addons_follows_chains():
    prune = load_prune_module()
    manifests = {
        "base": {"depends": []},
        "mail": {"depends": ["base"]},
        "website_crm": {"depends": ["crm", "website"]},
        "website_crm_extra": {"depends": ["website_crm"]},
        "old": {"depends": ["base"], "installable": False},
        "needs_old": {"depends": ["old"]},
    }
    assert prune.find_unmet_addons(manifests) == [
        "needs_old",
        "website_crm",
        "website_crm_extra",
    ]


def test_prune_removes_only_unmet_folders(tmp_path):
    prune = load_prune_module()
    write_addon(tmp_path, "base", [])
    write_addon(tmp_path, "hr", ["base"])
    write_addon(tmp_path, "sale_stock", ["sale", "stock"])
    (tmp_path / "not_an_addon").mkdir()

    assert prune.main([str(tmp_path)]) == 0

    remaining = sorted(path.name for path in tmp_path.iterdir())
    assert remaining == ["base", "hr", "not_an_addon"]


def test_prune_dry_run_keeps_folders(tmp_path, capsys):
    prune = load_prune_module()
    write_addon(tmp_path, "base", [])
    write_addon(tmp_path, "sale_stock", ["sale"])

    assert prune.main([str(tmp_path), "--dry-run"]) == 0

    assert capsys.readouterr().out == "sale_stock\n"
    assert (tmp_path / "sale_stock").is_dir()


@needs_venv
def test_installed_addons_have_met_dependencies():
    prune = load_prune_module()
    site_packages = subprocess.run(
        [
            str(VENV_PYTHON),
            "-c",
            "import sysconfig; print(sysconfig.get_path('purelib'))",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    addons_dir = Path(site_packages) / "odoo" / "addons"
    manifests = prune.read_manifests(addons_dir)

    assert "hr_recruitment" in manifests
    assert prune.find_unmet_addons(manifests) == []


@needs_venv
def test_odoo_launcher_prints_version():
    completed = subprocess.run(
        [str(VENV_PYTHON), str(RUNTIME / "odoo-bin"), "--version"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == "Odoo Server 11.0"


@needs_venv
def test_write_odoo_config_sets_paths_and_db(tmp_path):
    config_file = tmp_path / "odoo.conf"
    script = (
        "set -euo pipefail; source runtime/lib.sh; "
        "LCC_DB_HOST=127.0.0.1 LCC_DB_PORT=55999 LCC_DB_USER=odoo; "
        f"lcc_write_odoo_config '{config_file}' lcc_sample 18123"
    )
    subprocess.run(["bash", "-c", script], cwd=REPO_ROOT, check=True)

    parser = configparser.ConfigParser()
    parser.read(config_file)
    options = parser["options"]
    addons_paths = options["addons_path"].split(",")
    assert len(addons_paths) == 2
    assert Path(addons_paths[0], "base", "__manifest__.py").is_file()
    assert Path(addons_paths[1]) == REPO_ROOT
    assert options["db_host"] == "127.0.0.1"
    assert options["db_port"] == "55999"
    assert options["db_user"] == "odoo"
    assert options["db_password"] == "False"
    assert options["db_name"] == "lcc_sample"
    assert options["dbfilter"] == "^lcc_sample$"
    assert options["http_interface"] == "127.0.0.1"
    assert options["http_port"] == "18123"
    assert options["list_db"] == "False"
