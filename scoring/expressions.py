"""Safe arithmetic formulas of a scoring table, e.g. ``max_points * min(actual / target, 1)``.

A formula is parsed once into a tree of the few node kinds allowed (numbers, the declared names,
+ − × ÷, unary minus, and the functions min, max, abs, round) and evaluated with decimals by walking
that tree. Nothing is ever passed to ``eval``: attributes, subscripts, calls of anything else,
comparisons, strings, lambdas and the like are refused with a message naming what is not allowed.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, DivisionByZero, InvalidOperation

MAX_LENGTH = 300
MAX_NODES = 100


class FormulaError(ValueError):
    """The formula is not one this product accepts; the message says why (English, for the log;
    callers translate with the code)."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail


def _round(value: Decimal, places: Decimal = Decimal(0)) -> Decimal:
    digits = int(places)
    if not 0 <= digits <= 6:
        raise FormulaError("bad_round", str(places))
    return value.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)


FUNCTIONS: dict[str, Callable[..., Decimal]] = {
    "min": lambda *args: min(args),
    "max": lambda *args: max(args),
    "abs": lambda value: abs(value),
    "round": _round,
}


@dataclass(frozen=True)
class Formula:
    """A parsed formula and the names it reads."""

    text: str
    tree: ast.expr
    names: frozenset[str]

    def __call__(self, values: Mapping[str, Decimal]) -> Decimal:
        try:
            result = _evaluate(self.tree, values)
        except (DivisionByZero, ZeroDivisionError):
            raise FormulaError("division_by_zero", self.text) from None
        except FormulaError:
            raise
        except (InvalidOperation, OverflowError, ValueError, ArithmeticError):
            raise FormulaError("evaluation", self.text) from None
        if not result.is_finite():
            raise FormulaError("evaluation", self.text)
        return result


def parse(text: str, allowed_names: frozenset[str] | set[str]) -> Formula:
    """Parse a formula over `allowed_names`; FormulaError when anything else appears."""
    text = (text or "").strip()
    if not text:
        raise FormulaError("empty")
    if len(text) > MAX_LENGTH:
        raise FormulaError("too_long", str(len(text)))
    try:
        module = ast.parse(text, mode="eval")
    except SyntaxError as exc:
        raise FormulaError("syntax", exc.msg or "") from None
    names: set[str] = set()
    nodes = list(ast.walk(module.body))
    if len(nodes) > MAX_NODES:
        raise FormulaError("too_long", str(len(nodes)))
    called = {id(n.func) for n in nodes if isinstance(n, ast.Call)}
    for node in nodes:
        if isinstance(node, ast.Name) and node.id in FUNCTIONS and id(node) not in called:
            raise FormulaError("name", node.id)  # a function's name used as a value
        _check(node, allowed_names, names)
    return Formula(text=text, tree=module.body, names=frozenset(names))


_OPERATORS = (ast.Add, ast.Sub, ast.Mult, ast.Div)


def _check(node: ast.AST, allowed: frozenset[str] | set[str], names: set[str]) -> None:
    if isinstance(node, ast.BinOp):
        if not isinstance(node.op, _OPERATORS):
            raise FormulaError("operator", type(node.op).__name__)
    elif isinstance(node, ast.UnaryOp):
        if not isinstance(node.op, ast.USub | ast.UAdd):
            raise FormulaError("operator", type(node.op).__name__)
    elif isinstance(node, ast.Constant):
        if isinstance(node.value, bool) or not isinstance(node.value, int | float):
            raise FormulaError("constant", repr(node.value))
        if not Decimal(str(node.value)).is_finite() or abs(node.value) > 10**15:
            raise FormulaError("constant", repr(node.value))
    elif isinstance(node, ast.Name):
        if isinstance(node.ctx, ast.Load) and node.id in FUNCTIONS:
            return  # checked with its call
        if node.id not in allowed:
            raise FormulaError("name", node.id)
        names.add(node.id)
    elif isinstance(node, ast.Call):
        if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
            raise FormulaError("function", ast.unparse(node.func))
        if node.keywords or not node.args:
            raise FormulaError("arguments", node.func.id)
        if node.func.id in ("abs",) and len(node.args) != 1:
            raise FormulaError("arguments", node.func.id)
        if node.func.id == "round" and len(node.args) not in (1, 2):
            raise FormulaError("arguments", node.func.id)
    elif isinstance(node, ast.operator | ast.unaryop | ast.expr_context):
        return
    else:
        raise FormulaError("element", type(node).__name__)


def _evaluate(node: ast.expr, values: Mapping[str, Decimal]) -> Decimal:
    if isinstance(node, ast.Constant):
        return Decimal(str(node.value))
    if isinstance(node, ast.Name):
        return values[node.id]
    if isinstance(node, ast.UnaryOp):
        operand = _evaluate(node.operand, values)
        return -operand if isinstance(node.op, ast.USub) else operand
    if isinstance(node, ast.BinOp):
        left, right = _evaluate(node.left, values), _evaluate(node.right, values)
        if isinstance(node.op, ast.Add):
            return left + right
        if isinstance(node.op, ast.Sub):
            return left - right
        if isinstance(node.op, ast.Mult):
            return left * right
        if right == 0:
            raise DivisionByZero
        return left / right
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        return FUNCTIONS[node.func.id](*(_evaluate(arg, values) for arg in node.args))
    raise FormulaError("element", type(node).__name__)  # unreachable after parse()
