"""Restore what Odoo 11.0 needs from Python and that CPython 3.8 to 3.11 removed.

Odoo 11.0 supports Python 3.5 to 3.7. The runtime runs it on CPython 3.11, so
the install script writes a ``.pth`` file into the virtualenv's site-packages
that imports this module at interpreter start, before any Odoo code runs.

Standard-library names are restored at import. Odoo's own modules, listed in
``_MODULE_PATCHES``, are patched right after they execute, by a meta-path
finder that wraps the loader of each of them. No file of the Odoo wheels is
modified. Every patch checks for what it adds, so the module does nothing
where Python still has the name.
"""

import ast
import base64
import builtins
import collections
import collections.abc
import hashlib
import importlib.abc
import inspect
import sys
import threading


def _restore_collections_abcs():
    # Python 3.10 removed the aliases such as collections.Mapping, deprecated
    # since 3.3. Odoo 11 and Werkzeug 0.16 still import them.
    for name in collections.abc.__all__:
        if not hasattr(collections, name):
            setattr(collections, name, getattr(collections.abc, name))


ArgSpec = collections.namedtuple("ArgSpec", "args varargs keywords defaults")


def getargspec(func):
    """Return (args, varargs, keywords, defaults) of ``func``, like Python 3.10.

    Python 3.11 removed ``inspect.getargspec``. This copy keeps its contract and
    raises ValueError for keyword-only parameters or annotations, but it emits
    no DeprecationWarning.
    """
    spec = inspect.getfullargspec(func)
    if spec.kwonlyargs or spec.annotations:
        raise ValueError(
            "Function has keyword-only parameters or annotations"
            ", use inspect.signature() API which can support them"
        )
    return ArgSpec(spec.args, spec.varargs, spec.varkw, spec.defaults)


def formatargspec(
    args,
    varargs=None,
    varkw=None,
    defaults=None,
    kwonlyargs=(),
    kwonlydefaults={},  # noqa: B006 (same signature as the stdlib original)
    annotations={},  # noqa: B006
    formatarg=str,
    formatvarargs=lambda name: "*" + name,
    formatvarkw=lambda name: "**" + name,
    formatvalue=lambda value: "=" + repr(value),
    formatreturns=lambda text: " -> " + text,
    formatannotation=inspect.formatannotation,
):
    """Format an argument spec as Python 3.10's ``inspect.formatargspec`` did.

    Python 3.11 removed it. ``odoo.tools.cache`` uses it to generate the source
    of its cache-key lambdas.
    """

    def format_arg_and_annotation(arg):
        result = formatarg(arg)
        if arg in annotations:
            result += ": " + formatannotation(annotations[arg])
        return result

    specs = []
    if defaults:
        first_default = len(args) - len(defaults)
    for i, arg in enumerate(args):
        spec = format_arg_and_annotation(arg)
        if defaults and i >= first_default:
            spec = spec + formatvalue(defaults[i - first_default])
        specs.append(spec)
    if varargs is not None:
        specs.append(formatvarargs(format_arg_and_annotation(varargs)))
    elif kwonlyargs:
        specs.append("*")
    for kwonlyarg in kwonlyargs or ():
        spec = format_arg_and_annotation(kwonlyarg)
        if kwonlydefaults and kwonlyarg in kwonlydefaults:
            spec += formatvalue(kwonlydefaults[kwonlyarg])
        specs.append(spec)
    if varkw is not None:
        specs.append(formatvarkw(format_arg_and_annotation(varkw)))
    result = "(" + ", ".join(specs) + ")"
    if "return" in annotations:
        result += formatreturns(formatannotation(annotations["return"]))
    return result


def _restore_inspect_argspec():
    if not hasattr(inspect, "getargspec"):
        inspect.ArgSpec = ArgSpec
        inspect.getargspec = getargspec
    if not hasattr(inspect, "formatargspec"):
        inspect.formatargspec = formatargspec


def _restore_base64_string_aliases():
    # Python 3.9 removed encodestring/decodestring, aliases deprecated since 3.1.
    if not hasattr(base64, "encodestring"):
        base64.encodestring = base64.encodebytes
    if not hasattr(base64, "decodestring"):
        base64.decodestring = base64.decodebytes


def _restore_thread_is_alive():
    # Python 3.9 removed Thread.isAlive, which Odoo's server and cron code call.
    if not hasattr(threading.Thread, "isAlive"):
        threading.Thread.isAlive = threading.Thread.is_alive


# Opcodes that Python 3.8 to 3.11 use in place of opcodes that
# odoo.tools.safe_eval already allows, grouped by the set that allows the
# original. Names missing from the running Python's opcode table are skipped.
# Opcodes for constructs that safe_eval rejected before (`with`, closures,
# `yield from`, attribute assignment) are deliberately absent.
_CONST_OPCODE_REPLACEMENTS = [
    # 3.11: every code object starts with RESUME.
    "RESUME",
    # 3.11: COPY and SWAP replace DUP_TOP, DUP_TOP_TWO and ROT_TWO/THREE/FOUR.
    "COPY",
    "SWAP",
    # 3.9: a list or set display of constants is BUILD_LIST/BUILD_SET of a
    # constant tuple or frozenset followed by LIST_EXTEND/SET_UPDATE. A tuple
    # display of more than 30 items is built as a list, then LIST_TO_TUPLE.
    # LIST_EXTEND and SET_UPDATE also implement `[*a]` and `{*a}` displays.
    "LIST_EXTEND",
    "SET_UPDATE",
    "LIST_TO_TUPLE",
    # 3.9: a dict display of more than 16 items is built in chunks merged with
    # DICT_UPDATE and MAP_ADD instead of one BUILD_CONST_KEY_MAP. DICT_UPDATE
    # also implements `{**a}` displays.
    "DICT_UPDATE",
    "MAP_ADD",
]
_EXPR_OPCODE_REPLACEMENTS = [
    # 3.11: BINARY_OP replaces every BINARY_* and INPLACE_* arithmetic opcode.
    "BINARY_OP",
    # 3.9: `is`, `is not`, `in` and `not in` left COMPARE_OP.
    "IS_OP",
    "CONTAINS_OP",
    # 3.11: `'%s' % (a, b)` with a constant format of only %s, %r and %a
    # compiles to FORMAT_VALUE and BUILD_STRING instead of BINARY_MODULO, as an
    # f-string does. Mail templates use such expressions. As a consequence,
    # f-strings, which safe_eval rejected before, are allowed too, but they
    # can do no more than the % operator.
    "FORMAT_VALUE",
    "BUILD_STRING",
]
_SAFE_OPCODE_REPLACEMENTS = [
    # 3.11: PUSH_NULL, PRECALL, CALL and KW_NAMES replace CALL_FUNCTION,
    # CALL_FUNCTION_KW and CALL_METHOD.
    "PUSH_NULL",
    "PRECALL",
    "CALL",
    "KW_NAMES",
    # 3.9: `f(**kwargs)` merges the mapping with DICT_MERGE before
    # CALL_FUNCTION_EX.
    "DICT_MERGE",
    # 3.11: relative jumps replace JUMP_ABSOLUTE and POP_JUMP_IF_FALSE/TRUE.
    # The *_IF_NONE forms replace `LOAD_CONST None`, `COMPARE_OP is` and a jump.
    "JUMP_BACKWARD",
    "JUMP_BACKWARD_NO_INTERRUPT",
    "POP_JUMP_FORWARD_IF_FALSE",
    "POP_JUMP_FORWARD_IF_TRUE",
    "POP_JUMP_BACKWARD_IF_FALSE",
    "POP_JUMP_BACKWARD_IF_TRUE",
    "POP_JUMP_FORWARD_IF_NONE",
    "POP_JUMP_FORWARD_IF_NOT_NONE",
    "POP_JUMP_BACKWARD_IF_NONE",
    "POP_JUMP_BACKWARD_IF_NOT_NONE",
    # 3.11: a generator expression's code starts with RETURN_GENERATOR
    # (YIELD_VALUE, GET_ITER and FOR_ITER were already allowed).
    "RETURN_GENERATOR",
    # 3.9 and 3.11: try/except uses an exception table instead of
    # SETUP_EXCEPT/SETUP_FINALLY/END_FINALLY, and marks the `try` line with NOP.
    "PUSH_EXC_INFO",
    "CHECK_EXC_MATCH",
    "RERAISE",
    "NOP",
    # 3.9: `assert` loads AssertionError with LOAD_ASSERTION_ERROR instead of
    # LOAD_GLOBAL.
    "LOAD_ASSERTION_ERROR",
]


def _patch_safe_eval(module):
    """Allow the Python 3.11 forms of the opcodes that safe_eval allows.

    The sets are updated in place because ``ir_qweb`` imports ``_SAFE_OPCODES``
    by name. Each set contains the one before it, as in safe_eval itself.
    """
    from opcode import opmap

    def codes(names):
        return {opmap[name] for name in names if name in opmap}

    const_codes = codes(_CONST_OPCODE_REPLACEMENTS)
    expr_codes = const_codes | codes(_EXPR_OPCODE_REPLACEMENTS)
    safe_codes = expr_codes | codes(_SAFE_OPCODE_REPLACEMENTS)
    module._CONST_OPCODES.update(const_codes)
    module._EXPR_OPCODES.update(expr_codes)
    module._SAFE_OPCODES.update(safe_codes)


_NAME_CONSTANTS = {"None": None, "True": True, "False": False}
_END_POSITION_FIELDS = ("end_lineno", "end_col_offset")


class _QWebAstFixer(ast.NodeTransformer):
    """Rewrite the AST that QWeb builds by hand into one Python 3.11 compiles.

    QWeb writes ``ast.Name(id='None')`` (and True/False), which ``compile()``
    rejects since Python 3.8 because those are constants. It also splices the
    nodes of parsed template expressions, which carry end positions of the
    expression's own source, into nodes that ``ast.fix_missing_locations``
    placed elsewhere. Python 3.11 rejects an end position before its start, so
    every end position is reset to the node's start.
    """

    def visit_Name(self, node):
        if node.id in _NAME_CONSTANTS and isinstance(node.ctx, ast.Load):
            constant = ast.Constant(value=_NAME_CONSTANTS[node.id])
            return self._reset_end_position(ast.copy_location(constant, node))
        return self.generic_visit(node)

    def generic_visit(self, node):
        return self._reset_end_position(super().generic_visit(node))

    @staticmethod
    def _reset_end_position(node):
        if all(field in node._attributes for field in _END_POSITION_FIELDS):
            node.end_lineno = getattr(node, "lineno", None)
            node.end_col_offset = getattr(node, "col_offset", None)
        return node


def _compile_qweb_ast(source, filename, mode, *args, **kwargs):
    """Call ``compile()`` after ``_QWebAstFixer`` when ``source`` is an AST.

    Installed as the global name ``compile`` of QWeb's module, so it replaces
    the builtin only in that module's code.
    """
    if isinstance(source, ast.AST):
        source = _QWebAstFixer().visit(source)
        ast.fix_missing_locations(source)
    return builtins.compile(source, filename, mode, *args, **kwargs)


def _ast_arguments(*args, **kwargs):
    # Python 3.8 added the required field ``posonlyargs`` to ast.arguments.
    kwargs.setdefault("posonlyargs", [])
    return ast.arguments(*args, **kwargs)


def _patch_qweb(module):
    module.arguments = _ast_arguments
    module.compile = _compile_qweb_ast


def _patch_web_controllers(module):
    # concat_xml() calls Element.getchildren(), removed in Python 3.9. This copy
    # of Odoo 11's function iterates the element instead. It concatenates the
    # web client's QWeb templates, so without it /web/webclient/qweb fails.
    element_tree = module.ElementTree
    logger = module._logger

    def concat_xml(file_list):
        """Concatenate xml files

        :param list(str) file_list: list of files to check
        :returns: (concatenation_result, checksum)
        :rtype: (str, str)
        """
        checksum = hashlib.new("sha1")
        if not file_list:
            return "", checksum.hexdigest()

        root = None
        for fname in file_list:
            with open(fname, "rb") as fp:
                contents = fp.read()
                checksum.update(contents)
                fp.seek(0)
                try:
                    xml = element_tree.parse(fp).getroot()
                except element_tree.ParseError as e:
                    logger.error("Could not parse file %s: %s", fname, e.msg)
                    raise

            if root is None:
                root = element_tree.Element(xml.tag)

            for child in list(xml):
                root.append(child)
        return element_tree.tostring(root, "utf-8"), checksum.hexdigest()

    module.concat_xml = concat_xml


# Odoo modules to patch right after they execute, by full module name.
_MODULE_PATCHES = {
    "odoo.tools.safe_eval": _patch_safe_eval,
    "odoo.addons.base.ir.ir_qweb.qweb": _patch_qweb,
    "odoo.addons.web.controllers.main": _patch_web_controllers,
}


class _PatchingLoader(importlib.abc.Loader):
    """Loader that runs a patch function after the wrapped loader's exec_module.

    Other attributes (get_source, get_filename, ...) come from the wrapped
    loader, so tracebacks and ``inspect.getsource`` keep working.
    """

    def __init__(self, loader, patch):
        self._loader = loader
        self._patch = patch

    def __getattr__(self, name):
        return getattr(self._loader, name)

    def create_module(self, spec):
        return self._loader.create_module(spec)

    def exec_module(self, module):
        self._loader.exec_module(module)
        self._patch(module)
        module._py311_compat_patched = True


class _PatchingFinder(importlib.abc.MetaPathFinder):
    """Meta-path finder that wraps the loader of each module in _MODULE_PATCHES.

    It finds the module through the other finders on ``sys.meta_path`` and only
    replaces the loader of the spec they return.
    """

    def find_spec(self, fullname, path, target=None):
        patch = _MODULE_PATCHES.get(fullname)
        if patch is None:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(fullname, path, target)
            if spec is not None:
                break
        else:
            return None
        if spec.loader is None or not hasattr(spec.loader, "exec_module"):
            return spec
        spec.loader = _PatchingLoader(spec.loader, patch)
        return spec


def install():
    """Apply every patch. Calling it again changes nothing."""
    _restore_collections_abcs()
    _restore_inspect_argspec()
    _restore_base64_string_aliases()
    _restore_thread_is_alive()

    if not any(isinstance(finder, _PatchingFinder) for finder in sys.meta_path):
        sys.meta_path.insert(0, _PatchingFinder())
    # A module imported before this one is patched now. It is marked so that a
    # second install() does not patch it twice.
    for name, patch in _MODULE_PATCHES.items():
        module = sys.modules.get(name)
        if module is not None and not getattr(module, "_py311_compat_patched", False):
            patch(module)
            module._py311_compat_patched = True


install()
