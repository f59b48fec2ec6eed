"""Figures in copy and spec cells, converted to canonical units, and the rounding tolerance."""
import pytest

from specaudit.normalise import norm
from specaudit.units import agrees, find_quantities, parse_quantity


def one(text):
    qs = find_quantities(norm(text))
    assert len(qs) == 1, qs
    return qs[0]


@pytest.mark.parametrize("text,value,unit", [
    ("续航502公里", 502, "km"),
    ("502km", 502, "km"),
    ("340 miles", 547.18, "km"),
    ("轴距2.75米", 2750, "mm"),
    ("1,820 mm", 1820, "mm"),
    ("51.9度电池", 51.9, "kWh"),
    ("7.9秒", 7.9, "s"),
    ("24分钟", 1440, "s"),
    ("半小时", 1800, "s"),
    ("8.99万元", 89900, "CNY"),
    ("13.98万起", 139800, "CNY"),
    ("¥89,900", 89900, "CNY"),
    ("$42,990", 42990, "USD"),
    ("每月三千公里", 3000, "km"),
    ("两毛钱", 0.2, "CNY"),
    ("0.2元/公里", 0.2, "CNY/km"),
    ("420 kW", 420, "kW"),
    ("300马力", 220.65, "kW"),
    ("200 hp", 149.14, "kW"),
    ("350 lb-ft", 474.54, "Nm"),
    ("150km/h", 150, "km/h"),
    ("62 mph", 99.78, "km/h"),
    ("1.85吨", 1850, "kg"),
    ("５０２ｋｍ", 502, "km"),
    ("16 英寸", 16, "in"),
    ("8 年", 8, "year"),
])
def test_units_convert_to_canonical(text, value, unit):
    q = one(text)
    assert q.unit == unit
    assert q.value == pytest.approx(value, rel=1e-3)


def test_chinese_numerals_need_a_unit():
    assert find_quantities(norm("一键启动，第一台车")) == []


def test_parse_quantity_takes_whole_cells_only():
    assert parse_quantity("60.0 kWh").value == 60.0
    assert parse_quantity("8 speakers").unit == "count"
    assert parse_quantity("磷酸铁锂") is None
    assert parse_quantity("5门5座两厢车") is None


@pytest.mark.parametrize("claim,spec,ok", [
    ("500公里", 502, True),        # within 1%
    ("510公里", 502, False),
    ("2.75米", 2750, True),
    ("3米", 2900, False),          # an integer claim gets no half-unit slack
    ("2.9米", 2800, False),
    ("8.99万", 89900, True),
    ("7.9秒", 7.5, False),
    ("1.85吨", 1850, True),
])
def test_rounding_tolerance(claim, spec, ok):
    assert agrees(one(claim), spec) is ok
