"""The parameter schema: one validation for the GUI and the CLI, messages that name the range."""
import math

import pytest

from engines.core.params import Param, ParameterError, ParamSchema

SCHEMA = ParamSchema([
    Param("lr", 0.01, lo=1e-5, hi=1.0, log=True, unit="1/step", live=True, help="learning rate"),
    Param("width", 64, kind="int", lo=1, hi=1024),
    Param("model", "vae", kind="choice", choices=("vae", "vib")),
    Param("flag", False, kind="bool"),
])


def test_defaults_and_conversion():
    assert SCHEMA.defaults() == {"lr": 0.01, "width": 64, "model": "vae", "flag": False}
    values = SCHEMA.validate({"lr": "0.5", "width": "128", "flag": "yes"})
    assert values == {"lr": 0.5, "width": 128, "model": "vae", "flag": True}


@pytest.mark.parametrize("name,value,fragment", [
    ("lr", 2.0, "[1e-05, 1]"),
    ("lr", "nan", "not finite"),
    ("width", 3.5, "an integer"),
    ("width", 0, "[1, 1024]"),
    ("model", "gan", "one of vae, vib"),
    ("flag", "maybe", "true or false"),
])
def test_bad_values_name_parameter_and_range(name, value, fragment):
    with pytest.raises(ParameterError) as err:
        SCHEMA.validate({name: value})
    assert err.value.name == name
    assert str(err.value).startswith(name)
    assert fragment in str(err.value)


def test_unknown_name_lists_known_names():
    with pytest.raises(ParameterError) as err:
        SCHEMA.parse_assignment("depth=3")
    assert "depth" in str(err.value) and "lr, width, model, flag" in str(err.value)


def test_assignment_needs_equals_sign():
    with pytest.raises(ParameterError):
        SCHEMA.parse_assignment("lr")
    assert SCHEMA.parse_assignment("lr=1e-3") == ("lr", pytest.approx(1e-3))


def test_schema_rejects_inconsistent_declarations():
    with pytest.raises(ValueError):
        Param("x", 5.0, lo=0, hi=1)
    with pytest.raises(ValueError):
        Param("x", 1.0, lo=0, hi=2, log=True)
    with pytest.raises(ValueError):
        ParamSchema([Param("a", 1.0), Param("a", 2.0)])


def test_describe_is_json_ready():
    d = SCHEMA["lr"].describe()
    assert d["live"] is True and d["log"] is True and d["min"] == 1e-5 and not math.isnan(d["max"])
    assert SCHEMA.live_names() == {"lr"}


def test_zero_allowed_log_parameter_accepts_exact_zero_only():
    beta = Param("beta", 1e-3, lo=1e-6, hi=100.0, log=True, zero=True)
    assert beta.validate(0) == 0.0 and beta.validate("0") == 0.0
    assert beta.validate(1e-6) == 1e-6
    with pytest.raises(ParameterError) as err:
        beta.validate(1e-9)
    assert "0 or a number in [1e-06, 100]" in str(err.value)
    with pytest.raises(ParameterError):
        beta.validate(-1e-3)
    assert beta.describe()["zero_allowed"] is True
    with pytest.raises(ValueError):
        Param("x", 1.0, lo=0.0, hi=2.0, zero=True)


@pytest.mark.parametrize("text", ["inf", "-inf", "Infinity", "1e400", "9" * 400, "nan", "٣", "１２", "1_0", "0x10", "1,5"])
def test_an_integer_is_ascii_decimal_and_never_overflows(text):
    """Every integer parameter took these to a traceback (int(float('inf')) raises OverflowError);
    float() would quietly accept Arabic-Indic and full-width digits and underscores."""
    param = Param("seed", 0, kind="int", lo=0, hi=2**31 - 1)
    with pytest.raises(ParameterError) as info:
        param.validate(text)
    assert info.value.name == "seed" and "an integer in [0, 2147483647]" in str(info.value)
    assert len(str(info.value)) < 160  # a 400-digit value is quoted cut, not whole


@pytest.mark.parametrize("text,value", [("3", 3.0), (" 7 ", 7.0), ("1e-3", 1e-3), (".5", 0.5), ("+2.", 2.0)])
def test_plain_decimal_numbers_still_parse(text, value):
    assert Param("x", 1.0, lo=-10, hi=10).validate(text) == value


@pytest.mark.parametrize("text", ["٣", "１２", "1_0", "1e400"])
def test_a_float_refuses_foreign_digits_and_overflow(text):
    with pytest.raises(ParameterError):
        Param("x", 1.0, lo=-10, hi=10).validate(text)


def test_a_multi_parameter_takes_a_comma_list_of_its_choices_in_their_order():
    methods = Param("methods", "a,c", kind="multi", choices=("a", "b", "c"))
    assert methods.validate(" c , a ") == "a,c" and methods.validate(["b"]) == "b"
    for bad, fragment in (("a,x", "'x' not valid"), ("", "nothing chosen"), (" , ", "nothing chosen")):
        with pytest.raises(ParameterError, match=fragment) as refused:
            methods.validate(bad)
        assert "allowed: a comma list of one or more of a, b, c" in str(refused.value)
