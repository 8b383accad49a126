"""Check that the virtualenv's Python runs Odoo 11 code with runtime/odoo_py311_compat.

Each test runs a snippet in a subprocess of .venv/bin/python, where the .pth
file that runtime/lib.sh installs has loaded the compatibility module at
interpreter start, and checks the JSON that the snippet prints. Nothing here
imports Odoo at collection time, and no test needs a database.
"""

import json
import subprocess
import textwrap
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
VENV_PYTHON = REPO_ROOT / ".venv" / "bin" / "python"

pytestmark = pytest.mark.skipif(
    not VENV_PYTHON.exists(), reason="no .venv; bin/test creates it"
)


def run_in_venv(source):
    """Run ``source`` with the virtualenv's Python and return its JSON output."""
    completed = subprocess.run(
        [str(VENV_PYTHON), "-c", textwrap.dedent(source)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=REPO_ROOT,
    )
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout.strip().splitlines()[-1])


def test_compat_loaded_at_startup():
    result = run_in_venv(
        """
        import json, sys
        print(json.dumps("odoo_py311_compat" in sys.modules))
        """
    )
    assert result is True


def test_stdlib_names_restored():
    result = run_in_venv(
        """
        import base64, collections, collections.abc, inspect, json, threading

        def sample(a, b=2, *args, **kwargs):
            pass

        spec = inspect.getargspec(sample)
        print(json.dumps({
            "mapping": collections.Mapping is collections.abc.Mapping,
            "mutable_mapping": (
                collections.MutableMapping is collections.abc.MutableMapping
            ),
            "argspec": [spec.args, spec.varargs, spec.keywords, list(spec.defaults)],
            "formatted": inspect.formatargspec(*spec),
            "encoded": base64.encodestring(b"odoo").decode(),
            "decoded": base64.decodestring(b"b2Rvbw==\\n").decode(),
            "is_alive": threading.Thread.isAlive is threading.Thread.is_alive,
        }))
        """
    )
    assert result["mapping"] is True
    assert result["mutable_mapping"] is True
    assert result["argspec"] == [["a", "b"], "args", "kwargs", [2]]
    assert result["formatted"] == "(a, b=2, *args, **kwargs)"
    assert result["encoded"] == "b2Rvbw==\n"
    assert result["decoded"] == "odoo"
    assert result["is_alive"] is True


def test_getargspec_rejects_annotations():
    result = run_in_venv(
        """
        import inspect, json

        def annotated(a: int):
            pass

        try:
            inspect.getargspec(annotated)
            print(json.dumps("no error"))
        except ValueError as error:
            print(json.dumps("ValueError"))
        """
    )
    assert result == "ValueError"


def test_safe_eval_accepts_py311_bytecode():
    result = run_in_venv(
        """
        import json
        from odoo.tools.safe_eval import const_eval, expr_eval, safe_eval

        big_dict = "{%s}" % ", ".join("'k%d': %d" % (i, i) for i in range(20))
        exec_locals = {}
        safe_eval(
            "try:\\n    x = 1 / 0\\nexcept Exception:\\n    caught = True\\n",
            exec_locals, mode="exec", nocopy=True,
        )
        print(json.dumps({
            "domain": const_eval("[('a', '=', 1), '|', ('b', 'in', [1, 2])]"),
            "big_dict": len(const_eval(big_dict)),
            "arithmetic": expr_eval("2 ** 3 + 7 // 2 - 1"),
            "is_none": safe_eval("a is None and 1 not in b", {"a": None, "b": [2]}),
            "call_kw": safe_eval("f(x, key=2)", {"f": dict, "x": {"k": 1}}),
            "genexpr": safe_eval("any(v for v in b if v is not None)", {"b": [None, 3]}),
            "percent": safe_eval("'/mail/view?id=%s' % (i,)", {"i": 7}),
            "caught": exec_locals.get("caught"),
        }))
        """
    )
    assert result["domain"] == [["a", "=", 1], "|", ["b", "in", [1, 2]]]
    assert result["big_dict"] == 20
    assert result["arithmetic"] == 10
    assert result["is_none"] is True
    assert result["call_kw"] == {"k": 1, "key": 2}
    assert result["genexpr"] is True
    assert result["percent"] == "/mail/view?id=7"
    assert result["caught"] is True


def test_safe_eval_still_rejects_unsafe_code():
    result = run_in_venv(
        """
        import json
        from odoo.tools.safe_eval import const_eval, safe_eval

        cases = {
            "dunder": ("().__class__", "eval"),
            "attribute_store": ("a.b = 1", "exec"),
            "with": ("with a:\\n    pass\\n", "exec"),
            "import": ("import os", "exec"),
        }
        errors = {}
        for name, (expr, mode) in cases.items():
            try:
                safe_eval(expr, {"a": object()}, mode=mode)
                errors[name] = None
            except (ValueError, NameError) as error:
                errors[name] = type(error).__name__
        try:
            # Not "1 + 2", which Python folds into the constant 3.
            const_eval("[1] * 2")
            errors["const_arithmetic"] = None
        except ValueError:
            errors["const_arithmetic"] = "ValueError"
        print(json.dumps(errors))
        """
    )
    assert result["dunder"] in ("ValueError", "NameError")
    assert result["attribute_store"] == "ValueError"
    assert result["with"] == "ValueError"
    assert result["import"] == "ValueError"
    assert result["const_arithmetic"] == "ValueError"


def test_qweb_renders_template():
    result = run_in_venv(
        """
        import json
        from lxml import etree
        from odoo.addons.base.ir.ir_qweb.qweb import QWeb

        template = etree.fromstring(
            '<t t-name="sample">'
            '<ul t-att-class="css" t-if="items is not None">'
            '<li t-foreach="items" t-as="item" t-esc="item * 2"/>'
            '</ul>'
            '<p t-else="">empty</p>'
            '<b t-raw="markup"/>'
            '<i t-esc="missing">default</i>'
            '<t t-set="big" t-value="[n for n in items if n &gt; 1]"/>'
            '<s t-esc="big"/>'
            '<a t-attf-href="/item/#{css}?q={{len(markup)}}">link</a>'
            '</t>'
        )
        values = {"css": "list", "items": [1, 2, 3], "markup": "<u>x</u>"}
        html = QWeb().render(template, values).decode()
        empty = QWeb().render(template, dict(values, items=None, missing=1))
        print(json.dumps({"html": html, "empty_has_p": b"<p>empty</p>" in empty}))
        """
    )
    assert result["html"] == (
        '<ul class="list"><li>2</li><li>4</li><li>6</li></ul>'
        "<b><u>x</u></b><i>default</i><s>[2, 3]</s>"
        '<a href="/item/list?q=8">link</a>'
    )
    assert result["empty_has_p"] is True


def test_web_concat_xml_joins_templates(tmp_path):
    first = tmp_path / "first.xml"
    second = tmp_path / "second.xml"
    first.write_text('<templates><t t-name="a"><b/></t></templates>')
    second.write_text('<templates><t t-name="b"/><t t-name="c"/></templates>')
    result = run_in_venv(
        f"""
        import json
        from odoo.addons.web.controllers.main import concat_xml

        content, checksum = concat_xml([{str(first)!r}, {str(second)!r}])
        print(json.dumps({{"content": content.decode(), "checksum": checksum}}))
        """
    )
    assert result["content"] == (
        '<templates><t t-name="a"><b /></t><t t-name="b" /><t t-name="c" /></templates>'
    )
    assert len(result["checksum"]) == 40
