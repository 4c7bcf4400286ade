"""Seeded generator pieces shared by the built-in datasets.

Every synthetic part of a dataset comes from ``numpy.random.default_rng(seed)``: the same seed
gives the same ecosystem, bit for bit. Synthetic names are built from fixed word lists (place
+ brand + trade + legal form) and are unique within one call.
"""

from __future__ import annotations

import itertools

import numpy as np

from ecograph.errors import DatasetError

__all__ = ["CITIES", "firm_names", "names_by_group", "split_total", "choose"]

CITIES: tuple[str, ...] = (
    "上海", "苏州", "无锡", "常州", "南京", "杭州", "宁波", "温州", "绍兴", "台州",
    "嘉兴", "湖州", "合肥", "芜湖", "南通", "扬州", "泰州", "镇江", "徐州", "盐城",
    "济南", "青岛", "烟台", "潍坊", "淄博", "天津", "北京", "石家庄", "唐山", "保定",
    "沈阳", "大连", "长春", "哈尔滨", "郑州", "洛阳", "武汉", "长沙", "南昌", "福州",
    "厦门", "泉州", "广州", "深圳", "佛山", "东莞", "南宁", "成都", "重庆", "西安",
    "太原", "兰州", "银川", "西宁", "乌鲁木齐", "昆明", "贵阳", "海口", "呼和浩特", "拉萨",
)
_BRAND_A = ("华", "新", "恒", "宏", "金", "泰", "瑞", "博", "天", "中", "永", "东", "鑫", "安", "正",
            "通", "德", "嘉", "明", "海", "长", "福", "凯", "盛", "联")
_BRAND_B = ("达", "力", "信", "源", "科", "兴", "宇", "诚", "光", "远", "晟", "邦", "润", "航", "星",
            "创", "昌", "丰", "驰", "锦", "汇", "合", "峰", "建", "益")


def firm_names(rng: np.random.Generator, n: int, trades: tuple[str, ...] | list[str], *,
               places: tuple[str, ...] | list[str] = CITIES, brand_length: int = 2,
               suffix: str = "有限公司") -> list[str]:
    """``n`` distinct firm names ``{place}{brand}{trade}{suffix}`` drawn without replacement.

    ``brand_length`` 2 gives 625 brands per place and trade, 3 gives 15,625.

    Examples
    --------
    >>> import numpy as np
    >>> names = firm_names(np.random.default_rng(0), 3, ["电机"], places=["常州"])
    >>> len(set(names)), all(n.startswith("常州") and n.endswith("电机有限公司") for n in names)
    (3, True)
    """
    trades, places = list(trades), list(places)
    letters = [_BRAND_A, _BRAND_B, _BRAND_A][:brand_length]
    sizes = [len(places), *(len(chars) for chars in letters), len(trades)]
    space = int(np.prod(sizes))
    if n > space:
        raise DatasetError(f"cannot make {n} distinct names from {space} combinations", field="n", value=n)
    picks = rng.choice(space, size=n, replace=False) if n else np.zeros(0, dtype=np.int64)
    # mixed radix place | brand letters | trade; the brands in the same order, built once
    brands = ["".join(chars) for chars in itertools.product(*letters)]
    rest, trade = np.divmod(picks, len(trades))
    place, brand = np.divmod(rest, len(brands))
    return [f"{places[p]}{brands[b]}{trades[t]}{suffix}" for p, b, t in zip(place.tolist(), brand.tolist(), trade.tolist())]


def names_by_group(rng: np.random.Generator, groups: list[str], places: dict[str, tuple[str, ...]],
                   trades: tuple[str, ...] | list[str], brand_length: int = 2) -> list[str]:
    """Distinct firm names whose place matches each firm's group (region, province ...).

    Examples
    --------
    >>> import numpy as np
    >>> names_by_group(np.random.default_rng(0), ["沪", "浙", "沪"], {"沪": ("上海",), "浙": ("杭州",)}, ["生物"])[1][:2]
    '杭州'
    """
    out = [""] * len(groups)
    keys, inverse = np.unique(np.array(groups, dtype=str), return_inverse=True)
    order = np.argsort(inverse, kind="stable")
    bounds = np.searchsorted(inverse[order], np.arange(len(keys) + 1))
    for g, group in enumerate(keys.tolist()):
        where = order[bounds[g]:bounds[g + 1]].tolist()
        for i, name in zip(where, firm_names(rng, len(where), trades, places=places[group], brand_length=brand_length)):
            out[i] = name
    return out


def split_total(rng: np.random.Generator, total: int, parts: int, minimum: int = 1, concentration: float = 1.0) -> list[int]:
    """``parts`` integers, each at least ``minimum``, summing exactly to ``total``.

    The excess over the minimums is spread by a Dirichlet-multinomial draw (smaller
    ``concentration`` = more skewed).

    Examples
    --------
    >>> import numpy as np
    >>> parts = split_total(np.random.default_rng(1), 1287, 1120)
    >>> sum(parts), min(parts)
    (1287, 1)
    """
    excess = total - minimum * parts
    if parts <= 0 or excess < 0:
        raise DatasetError(f"cannot split {total} into {parts} parts of at least {minimum}", field="total", value=total)
    shares = rng.dirichlet(np.full(parts, concentration))
    return (rng.multinomial(excess, shares) + minimum).tolist()


def choose(rng: np.random.Generator, n: int, k: int) -> np.ndarray:
    """A boolean mask of length ``n`` with exactly ``k`` True entries, at random places.

    Examples
    --------
    >>> import numpy as np
    >>> int(choose(np.random.default_rng(0), 10, 4).sum())
    4
    """
    mask = np.zeros(n, dtype=bool)
    mask[rng.choice(n, size=k, replace=False)] = True
    return mask
