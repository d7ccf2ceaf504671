#!/usr/bin/env python3
"""Generate the xiaoqu sample provinces.

Run from the repository root:

    python3 samples/generate.py

It rewrites, with a fixed seed (so two runs give byte-identical files):

  samples/jilin-2020/     Jilin 2020 annual-plan submissions: counties.csv (47
                          county-level units, real GB/T 2260 codes), settings.csv
                          (plan_year, budget), submissions/<county>.csv (47 files),
                          SEEDED-ERRORS.md and history.csv (the 2019 plan, for
                          xq-dedupe -H). 1945 plan communities, 270,000 households;
                          30 seeded error rows that xq-validate must reject; 15 valid
                          added rows that xq-dedupe or xq-classify-scope must drop.
  samples/jilin-2019/     Jilin 2019 plan (831 communities, 15,667,000.00 m2,
                          218,000 households) and progress/<county>.csv reports:
                          303 completed, 226 under construction, 302 preliminary.
  samples/xianning-2024/  Xianning (Hubei) 2024 plan, 7 units: 434 communities,
                          8640 buildings, 74,857 households, 874.32万m2,
                          227,200万元, full funding split and the six preconditions;
                          5 added rows that xq-classify-scope must send to the
                          exceptions (built 2005, a precondition not met, consent 60%).
  samples/README.md       the tables of added rows, between its two marker lines.

The files imitate what county offices export from Excel or WPS: title rows,
varied Chinese headers, 序号 columns, blank rows, 合计 rows (always correct),
GB18030 or UTF-8 (with or without BOM), CRLF or LF, line breaks inside quoted
cells, full-width digits, 万㎡ columns. The rest of the README files is written
by hand and left alone; submissions/ and progress/ folders are emptied and
written again. Python 3 standard library only.
"""
import datetime as dt
import math
import random
import re
import shutil
from pathlib import Path

SEED = 20200601
HERE = Path(__file__).resolve().parent

# ---- registries ---------------------------------------------------------
# code, name, city, fiscal_coef, relative size, seat town (counties only).
# The eight prefecture cities' urban areas are each represented by their
# central district; Yanbian has no districts (延吉市 is its seat).
JILIN = """\
220102 南关区 长春市 0.8 16 -
220184 公主岭市 长春市 1.0 5 -
220122 农安县 长春市 1.0 4 农安镇
220182 榆树市 长春市 1.0 4 -
220183 德惠市 长春市 1.0 4 -
220204 船营区 吉林市 0.8 11 -
220221 永吉县 吉林市 1.0 2 口前镇
220281 蛟河市 吉林市 1.0 3 -
220282 桦甸市 吉林市 1.0 3 -
220283 舒兰市 吉林市 1.2 3 -
220284 磐石市 吉林市 1.0 3 -
220302 铁西区 四平市 1.0 7 -
220322 梨树县 四平市 1.2 2 梨树镇
220323 伊通满族自治县 四平市 1.2 2 伊通镇
220382 双辽市 四平市 1.2 2 -
220402 龙山区 辽源市 1.0 6 -
220421 东丰县 辽源市 1.2 2 东丰镇
220422 东辽县 辽源市 1.2 1.5 白泉镇
220502 东昌区 通化市 1.0 6 -
220521 通化县 通化市 1.2 1.5 快大茂镇
220523 辉南县 通化市 1.2 2 朝阳镇
220524 柳河县 通化市 1.2 2 柳河镇
220581 梅河口市 通化市 1.0 4 -
220582 集安市 通化市 1.0 2 -
220602 浑江区 白山市 1.0 5 -
220621 抚松县 白山市 1.2 2 抚松镇
220622 靖宇县 白山市 1.2 1.5 靖宇镇
220623 长白朝鲜族自治县 白山市 1.2 1 长白镇
220681 临江市 白山市 1.2 2 -
220702 宁江区 松原市 1.0 6 -
220721 前郭尔罗斯蒙古族自治县 松原市 1.2 2 前郭尔罗斯镇
220722 长岭县 松原市 1.2 2 长岭镇
220723 乾安县 松原市 1.2 1.5 乾安镇
220781 扶余市 松原市 1.2 2 -
220802 洮北区 白城市 1.0 5 -
220821 镇赉县 白城市 1.2 1.5 镇赉镇
220822 通榆县 白城市 1.2 1.5 开通镇
220881 洮南市 白城市 1.2 2 -
220882 大安市 白城市 1.2 2 -
222401 延吉市 延边朝鲜族自治州 0.8 7 -
222402 图们市 延边朝鲜族自治州 1.2 2 -
222403 敦化市 延边朝鲜族自治州 1.0 3 -
222404 珲春市 延边朝鲜族自治州 1.0 2.5 -
222405 龙井市 延边朝鲜族自治州 1.2 2 -
222406 和龙市 延边朝鲜族自治州 1.2 1.5 -
222424 汪清县 延边朝鲜族自治州 1.2 2 汪清镇
222426 安图县 延边朝鲜族自治州 1.2 1.5 明月镇
"""
# 421290 is NOT an official code: 咸宁高新区 has none of its own (see README).
XIANNING = """\
421202 咸安区 咸宁市 1.0 150 永安街道,温泉街道,浮山街道,向阳湖镇
421221 嘉鱼县 咸宁市 1.0 45 鱼岳镇,新街镇
421222 通城县 咸宁市 1.2 50 隽水镇,马港镇
421223 崇阳县 咸宁市 1.2 48 天城镇,白霓镇
421224 通山县 咸宁市 1.2 38 通羊镇,南林桥镇
421281 赤壁市 咸宁市 0.8 86 蒲圻街道,赤马港街道,陆水湖街道
421290 咸宁高新区 咸宁市 0.8 17 温泉街道,横沟桥镇
"""


def parse_registry(text):
    out = []
    for line in text.splitlines():
        code, name, city, coef, size, seat = line.split()
        out.append(dict(code=code, name=name, city=city, coef=coef,
                        size=float(size), seat=seat))
    return out


def write_registry(folder, counties, plan_year, budget=None, scores_from=None):
    """counties.csv and settings.csv; budget (万元) is the subsidy that
    xq-allocate-funds shares out when no -b is given (illustrative figures);
    scores_from names the profile whose evaluation gives the performance
    factor (make plan runs make evaluation on it first)."""
    folder.mkdir(parents=True, exist_ok=True)
    rows = ["county_code,county,city,fiscal_coef"]
    rows += [f"{c['code']},{c['name']},{c['city']},{c['coef']}" for c in counties]
    (folder / "counties.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    settings = f"key,value\nplan_year,{plan_year}\n" + (f"budget,{budget}\n" if budget else "")
    settings += f"scores_from,{scores_from}\n" if scores_from else ""
    (folder / "settings.csv").write_text(settings, encoding="utf-8")


# ---- exact sums -----------------------------------------------------------
def apportion(total, weights, lo, hi):
    """Integers lo[i] <= x[i] <= hi[i] adding up to total, about proportional
    to weights (floor, clamp, then spread the difference over rows with room)."""
    assert sum(lo) <= total <= sum(hi), (sum(lo), total, sum(hi))
    w = sum(weights)
    x = [min(max(int(total * wi / w), l), h) for wi, l, h in zip(weights, lo, hi)]
    diff = total - sum(x)
    while diff:
        step = 1 if diff > 0 else -1
        room = [i for i in range(len(x)) if (hi[i] - x[i] if step > 0 else x[i] - lo[i]) > 0]
        share, extra = divmod(abs(diff), len(room))
        for k, i in enumerate(room):
            cap = hi[i] - x[i] if step > 0 else x[i] - lo[i]
            d = min(share + (k < extra), cap)
            x[i] += step * d
            diff -= step * d
    return x


# ---- names, addresses, content ---------------------------------------------
STREETS = ("人民大街 建设街 红旗街 解放路 胜利街 新华路 东风街 和平路 光明路 友谊路 文化街 "
           "团结路 工农路 民主街 育才路 站前街 北京路 长江路 黄河路 延安路 中华路 兴华街 "
           "繁荣路 前进路 青年路 新民街 重庆路 大同路 松江路 长白路 自由大路 东岭街 南京街 "
           "正阳街 春光路 西环路 东环路 滨河路 铁北街 向阳街 工业路 跃进街 民康路 湖西路 "
           "通达街 幸福街 永昌路 安达街 朝阳路 新兴街 太平街 西安大路 北安路 靖宇街").split()
XN_STREETS = ("温泉路 银泉大道 金桂路 淦河大道 长安大道 桂花路 青龙路 永安大道 怀德路 双鹤路 "
              "书台街 茶花路 马柏大道 龟山路 旗鼓大道 人民路 解放路 和平路 建设路 新华路 "
              "沿河路 河背街 十字街 东风路 贺胜路 友谊路 迎宾路 隽水路 天城路").split()
UNITS = ("粮食局 供电局 铁路 百货公司 纺织厂 机械厂 造纸厂 化肥厂 水泥厂 供销社 卫生局 "
         "教育局 邮电局 税务局 物资局 糖厂 酒厂 制药厂 汽修厂 热电厂 自来水公司 交通局 "
         "建筑公司 农机厂 食品公司 印刷厂 人民医院 第一中学 师范学校 农业银行 工商银行 "
         "公安局 粮库 木材厂 五金公司 运输公司 棉纺厂 轴承厂 橡胶厂 啤酒厂 商业局 房产局 "
         "电信局 烟草公司 油脂厂 面粉厂 肉联厂 乳品厂 二轻局 农业局 水利局 气象局").split()
CITY_UNITS = {"长春市": "一汽 客车厂 长影 拖拉机厂", "吉林市": "吉化 碳素厂 铁合金厂 化纤厂",
              "辽源市": "矿务局 袜业公司", "通化市": "通钢 葡萄酒厂", "白山市": "林业局 矿务局",
              "松原市": "油田 炼油厂", "白城市": "铁路分局 制糖厂", "延边朝鲜族自治州": "林业局 延边医院",
              "咸宁市": "苎麻纺织厂 蒲纺 茶厂 电机厂 陶瓷厂"}
ESTATES = ("南湖 东盛 幸福 和平 阳光 兴隆 长青 向阳 金星 丰收 明珠 康乐 安居 祥和 富民 华侨 "
           "锦绣 翠湖 北山 西苑 东苑 春晖 朝阳 绿园 桃源 永安 新兴 光华 松苑 柳园 丽景 福安 "
           "建安 银河 友好 文苑 春华 怡和 宏达 金城 东方 新风 双拥 民安").split()
ESTATE_SUFFIX = "新村 新村 小区 小区 小区 花园 里 家园 住宅小区 公寓".split()
UNIT_SUFFIX = "家属院 家属院 家属楼 宿舍 住宅楼 生活区".split()
SUBDISTRICTS = ("南岭 自强 民康 新春 长通 全安 曙光 永吉 桃源 鸿城 明珠 富裕 站前 北山 江南 "
                "江北 河南 河东 新安 建华 建工 光明 向阳 红旗 新华 团结 胜利 铁北 城东 城西 "
                "城南 城北 长山 和平 新城 东盛 青年 民主 进学 公园").split()


class Namer:
    """Community names and addresses, unique per county after the kind of
    normalisation xq-dedupe does (suffixes such as 小区/家属院 dropped), and
    across the years that share the Namer."""

    def __init__(self, rng, streets, used=None):
        self.rng, self.streets, self.used = rng, streets, {} if used is None else used

    def community(self, c, also=()):
        """A new name and address in county c (and, for a community on a
        boundary, unused in the counties `also` too)."""
        rng, used = self.rng, self.used.setdefault(c["code"], set())
        others = [self.used.setdefault(o["code"], set()) for o in also]
        units = UNITS + CITY_UNITS.get(c["city"], "").split()
        prefix = "县" if c["name"].endswith("县") else "市"
        while True:
            kind = rng.choices("hsuev", [30, 12, 28, 26, 4])[0]
            st = rng.choice(self.streets)
            if kind in "hv":
                n = rng.randint(1, 40)
                stem, name = (st, n), f"{st}{n}号{'院' if kind == 'h' else '楼'}"
            elif kind == "s":
                stem, name = (st, 0), f"{st}小区"
            elif kind == "u":
                u = rng.choice(units)
                stem = ("u", u)
                local = u.endswith("局") and u in UNITS and rng.random() < .4     # 县粮食局, 市税务局
                name = (prefix if local else "") + u + rng.choice(UNIT_SUFFIX)
            else:
                e = rng.choice(ESTATES)
                stem, name = ("e", e), e + rng.choice(ESTATE_SUFFIX)
            if stem not in used and all(stem not in u for u in others):
                for u in [used] + others:
                    u.add(stem)
                return name, self.address(st if kind in "hsv" else None)

    def address(self, street):
        rng = self.rng
        st = street or rng.choice(self.streets)
        m, r = rng.randint(1, 2999), rng.random()
        if r < .08:
            return f"{st}{m}号,{m + 2}号"             # an ASCII comma: quoted cell
        if r < .20:
            return f"{st}{m}-{m + rng.randint(2, 12)}号"
        if r < .27:
            return f"{st}与{rng.choice(self.streets)}交汇处"
        return f"{st}{m}号"


def subdistricts(rng, c):
    names = [s + "街道" for s in rng.sample(SUBDISTRICTS, rng.randint(3, 6))]
    if c["seat"] != "-":
        names = [c["seat"]] * 3 + names[:2]
    return names


QTY = {"米": (80, 1500), "个": (10, 120), "盏": (4, 40), "㎡": (200, 6000)}
JILIN_ITEMS = {
    "改善房屋功能": "屋面防水 屋面防水保温改造 外墙保温 外墙外保温及涂料 楼道粉刷 更换单元门 更换楼道窗 "
              "楼梯扶手维修 加装单元门禁",
    "改造基础设施": "更换供水管网/米 供热管网改造/米 二次供水设施改造 雨污分流 排水管网改造/米 "
              "燃气管道改造 供电线路改造 弱电线缆规整 消防设施完善 化粪池清掏改造 \"三供一业\"移交管网改造",
    "改进公共服务": "增设停车位/个 安装路灯/盏 建设文体活动场所 安装监控设施 设置快递柜 无障碍坡道 "
              "设置物业用房 增设充电设施",
    "改观居住环境": "绿化提升/㎡ 拆除违建 道路硬化/㎡ 庭院铺装 垃圾分类设施 边沟修缮 围墙维修",
}
XN_ITEMS = {
    "楼道革命": "楼道整治 楼道粉刷 线路规整 楼道照明 更换楼道窗 单元门更换 楼梯扶手维修 弱电线缆归整",
    "环境革命": "雨污分流 绿化补植 增设停车位 安装充电桩 道路刷黑 拆除违建 垃圾分类亭 休闲健身场地 路灯安装",
    "管理革命": "引入物业服务 成立业委会 建立红色物业 设置物业用房 安装门禁及监控",
}
XN_COST = ["屋面及外立面整治（居民出资为主）", "燃气初装（居民自费）", "户表改造（居民承担）",
           "更换入户门窗（居民自费）", "供水管网改造（专营单位出资）", "强弱电线路入地（专营单位出资）"]


def pick_items(rng, table, counts):
    """[(group, [item, ...]), ...] with counts[i] items drawn from group i."""
    out = []
    for (group, words), (a, b) in zip(table.items(), counts):
        chosen = rng.sample(words.split(), rng.randint(a, b))
        items = []
        for w in chosen:
            word, _, unit = w.partition("/")
            if unit and rng.random() < .5:
                word += f"{rng.randint(*QTY[unit])}{unit}"
            items.append(word)
        if items:
            out.append((group, items))
    return out


NUMS = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯"
CN = "一二三四五六"


def fmt_items(groups, style):
    flat = [i for _, its in groups for i in its]
    if style in ("、", "，", ",", "；", "/", "\n"):
        return style.join(flat)
    if style == "num":
        return "；".join(f"{k}.{i}" for k, i in enumerate(flat, 1))
    if style == "paren":
        return "".join(f"({k}){i}" for k, i in enumerate(flat, 1))
    if style == "circ":
        return "".join(NUMS[k] + i for k, i in enumerate(flat))
    if style == "lines":
        return "\n".join(f"{k}.{i}" for k, i in enumerate(flat, 1))
    if style == "glines":
        return "\n".join(f"{CN[k]}、{g}：{'、'.join(its)}" for k, (g, its) in enumerate(groups))
    return "；".join(f"{g}：{'、'.join(its)}" for g, its in groups)   # "grouped"


# ---- formatting of cells ----------------------------------------------------
FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def fmt_cents(c, style="fixed"):
    """An integer count of hundredths as a decimal ("12.30", or "12.3" in Excel's General)."""
    s = f"{'-' if c < 0 else ''}{abs(c) // 100}.{abs(c) % 100:02d}"
    return s.rstrip("0").rstrip(".") if style == "general" else s


def fmt_area(c, L):
    if L["area"] == "wan":                     # 万㎡, c is a whole number of ㎡ * 100
        m = c // 100
        return f"{m // 10000}.{m % 10000:04d}".rstrip("0").rstrip(".")
    return fmt_cents(c, "general" if L["area"] == "int" else L["money"])


def fmt_year(rng, y, style):
    if style == "nian":
        return f"{y}年"
    if style == "ym":
        return f"{y}-{rng.randint(1, 12):02d}"
    if style == "dot":
        return f"{y}.{rng.randint(1, 9)}"
    if style == "slash":
        return f"{y}/{rng.randint(1, 12)}/{rng.randint(1, 28)}"
    if style == "yy" and y < 2000:
        return f"{y % 100:02d}年"
    return str(y)


def fmt_date(d, style):
    if style == "slash":
        return f"{d.year}/{d.month}/{d.day}"
    if style == "cn":
        return f"{d.year}年{d.month}月{d.day}日"
    if style == "compact":
        return d.strftime("%Y%m%d")
    return d.isoformat()


def fmt_pct(p, style):
    if style == "frac" and p < 100:             # 1 would read as 1%: Excel users write 100%
        return f"{p / 100:.2f}".rstrip("0")
    return f"{p}%" if style != "int" else str(p)


# ---- writing CSV as Excel/WPS do ------------------------------------------------
def csv_cell(s):
    s = str(s)
    return '"' + s.replace('"', '""') + '"' if any(ch in s for ch in ',"\n\r') else s


def write_csv(path, rows, enc, crlf):
    """Write rows (lists of cells); return the physical line each row starts on.
    Line breaks inside cells stay LF, as Excel writes them, even in CRLF files."""
    lines, starts, n = [], [], 1
    for r in rows:
        starts.append(n)
        text = ",".join(csv_cell(c) for c in r)
        lines.append(text)
        n += text.count("\n") + 1
    eol = "\r\n" if crlf else "\n"
    data = (eol.join(lines) + eol).encode("gb18030" if enc == "gb18030" else "utf-8")
    path.write_bytes((b"\xef\xbb\xbf" if enc == "utf-8-bom" else b"") + data)
    return starts


# ---- layouts: how one county's office lays out its sheet --------------------------
HEADERS = {
    "county_code": ["行政区划代码", "区划代码", "县(市、区)代码"],
    "county": ["县(市、区)", "县市区", "市县", "所属县区"],
    "city": ["市", "城市", "所属市(州)"],
    "subdistrict": ["街道", "街道(乡镇)", "乡镇(街道)"],
    "community": ["小区名称", "小区(项目)名称", "项目名称", "小区名称 "],
    "address": ["地址", "小区地址", "坐落"],
    "build_year": ["建成年份", "建成年代", "建成时间", "竣工年份"],
    "buildings": ["楼栋数", "栋数", "楼栋数(栋)"],
    "households": ["户数", "居民户数", "涉及户数", "户数(户)"],
    "items": ["改造内容", "主要改造内容", "建设内容"],
    "investment": ["总投资(万元)", "估算总投资", "总投资", "投资估算", "总投资（万元）"],
    "consent_pct": ["居民同意率"],
}
AREA_HEADERS = {"wan": ["建筑面积(万㎡)", "建筑面积（万㎡）"],
                "m2": ["建筑面积(㎡)", "建筑面积（㎡）", "建筑面积", "建筑面积(平方米)"]}
FUNDS = ["fund_central", "fund_provincial", "fund_local", "fund_bond", "fund_residents",
         "fund_utilities", "fund_owner_unit", "fund_social"]
FUND_HEADERS = ["中央补助", "省级补助", "市县财政", "专项债", "居民出资", "管线单位(专营单位)出资",
                "原产权单位出资", "社会资本"]
PRE_HEADERS = ["成立小区党组织", "多方协商共治", "签订居民公约", "拆除违法建设", "出资参与改造",
               "承诺接受后期物业管理"]
ITEM_STYLES = ["、", "、", "、", "，", ",", "；", "/", "num", "paren", "circ", "lines", "grouped", "glines"]


def choose_layout(rng, c, enc=None, consent=False, wan=None):
    L = dict(enc=enc or "utf-8", seq=rng.random() < .6, city=rng.random() < .2,
             titles=rng.choice([0, 1, 2, 2, 3]), trailing=rng.random() < .6,
             area="wan" if (wan if wan is not None else rng.random() < .15)
             else rng.choice(["m2", "m2", "int"]),
             money=rng.choice(["fixed", "general"]), items=rng.choice(ITEM_STYLES),
             year=rng.choice(["plain", "plain", "plain", "nian", "ym", "dot", "slash", "yy"]),
             total=rng.random() < .45, blank=rng.choice([None, None, "commas", "empty"]),
             fullwidth=rng.random() < .12, consent=consent,
             pct=rng.choice(["pct", "frac", "int"]), total_in_name=rng.random() < .15)
    L["crlf"] = L["enc"] != "utf-8" or rng.random() < .3
    h = {k: rng.choice(v) for k, v in HEADERS.items()}
    if L["year"] == "slash":
        h["build_year"] = "建成时间"
    h["area_m2"] = rng.choice(AREA_HEADERS["wan" if L["area"] == "wan" else "m2"])
    cols = ["county_code", "county"] + (["city"] if L["city"] else []) + [
        "subdistrict", "community", "address", "build_year", "buildings", "households",
        "area_m2", "items", "investment"] + (["consent_pct"] if consent else [])
    L["cols"] = [("seq", "序号")] * L["seq"] + [(k, h[k]) for k in cols]
    return L


def title_rows(L, c, year, what):
    city = "延边州" if c["city"].startswith("延边") else c["city"]
    place = city + c["name"] if c["name"].endswith("区") else c["name"]
    title = place + f"{year}年" + what
    unit = "单位：万元、" + ("万㎡" if L.get("area") == "wan" else "㎡")
    office = f"填报单位：{c['name']}住房和城乡建设局（盖章）"
    date = f"填报日期：{year - 1}年11月{20 + len(c['name']) % 10}日"
    rows = [[], [[title]], [[title], [unit]], [[title], [office], [unit, date]]][L["titles"]]
    width = len(L["cols"])
    return [r + [""] * (width - len(r)) if L["trailing"] else r for r in rows]


# ---- communities -----------------------------------------------------------------
def gen_year(rng, lo=1960):
    decade = rng.choices([1960, 1970, 1980, 1990, 2000], [8, 17, 35, 37, 3])[0]
    y = 2000 if decade == 2000 else decade + rng.randint(0, 9)
    return y if y >= lo else lo + rng.randint(0, 9)


def gen_stock(rng, namer, counties, counts, hh_total, bld, dens, m2hh, area_total=None,
              bld_total=None, year_lo=1960):
    """Communities of every county with exact totals. bld = (median, max) buildings;
    dens = (lo, typical lo, typical hi, hi) households per building; m2hh likewise
    for ㎡ per household. Area is whole ㎡ unless the county writes cents."""
    recs = []
    for c, k in zip(counties, counts):
        if "subs" not in c:
            c["subs"] = subdistricts(rng, c)
        for _ in range(k):
            name, addr = namer.community(c)
            recs.append(dict(c=c, name=name, addr=addr, sub=rng.choice(c["subs"]),
                             year=gen_year(rng, year_lo)))
    n = len(recs)
    if bld_total:
        b = apportion(bld_total, [rng.lognormvariate(0, .8) for _ in recs], [1] * n, [bld[1]] * n)
    else:
        b = [min(bld[1], max(1, round(rng.lognormvariate(math.log(bld[0]), .7)))) for _ in recs]
    hh = apportion(hh_total, [x * rng.uniform(dens[1], dens[2]) for x in b],
                   [x * dens[0] for x in b], [x * dens[3] for x in b])
    if area_total:
        area = apportion(area_total, [h * rng.uniform(m2hh[1], m2hh[2]) for h in hh],
                         [h * m2hh[0] for h in hh], [h * m2hh[3] for h in hh])
        area = [a * 100 for a in area]
    else:
        area = [round(h * rng.uniform(m2hh[1], m2hh[2])) * 100 + rng.randint(0, 99) for h in hh]
    for r, bi, hi, ai in zip(recs, b, hh, area):
        r.update(b=bi, hh=hi, area=ai)
    return recs


def settle_area_units(rng, recs, layouts, exact):
    """Whole ㎡ for counties that write 万㎡ or integers; when the total is exact,
    cents are only moved between pairs of rows of the same county."""
    by_county = {}
    for r in recs:
        by_county.setdefault(r["c"]["code"], []).append(r)
    for code, rows in by_county.items():
        if layouts[code]["area"] in ("wan", "int"):
            for r in rows:
                r["area"] -= r["area"] % 100
        elif exact:
            for a, b in zip(rows[0::2], rows[1::2]):
                k = rng.randint(1, 99)
                a["area"] += k
                b["area"] -= k


def price_jilin(rng, r):
    """Investment in 0.01万元 from a price of 150..900 元/㎡."""
    r["inv"] = round(r["area"] / 100 * rng.triangular(150, 900, 380) / 100)


# ---- submission sheets -----------------------------------------------------------
def cells(rng, L, r, seq, plan_year):
    sep = L["items"]
    if len(sep) == 1 and rng.random() < .04:
        sep = "\n"                       # now and then Alt+Enter instead of 、
    v = dict(seq=str(seq), county_code=r["c"]["code"], county=r["c"]["name"],
             city=r["c"]["city"], subdistrict=r["sub"], community=r["name"],
             address=r["addr"], build_year=fmt_year(rng, r["year"], L["year"]),
             buildings=str(r["b"]), households=str(r["hh"]), area_m2=fmt_area(r["area"], L),
             items=fmt_items(r["items"], sep), investment=fmt_cents(r["inv"], L["money"]),
             plan_year=str(plan_year))
    if L["fullwidth"] and rng.random() < .15:
        k = rng.choice(["buildings", "households"])
        v[k] = v[k].translate(FULLWIDTH)
    if "consent" in r:
        v["consent_pct"] = fmt_pct(r["consent"], L["pct"])
    for k, f in zip(FUNDS, r.get("funds", [])):
        v[k] = fmt_cents(f, L["money"])
    for k, p in enumerate(r.get("pre", [])):
        v[f"pre{k}"] = p
    if "elevators" in r:
        v["elevators"] = str(r["elevators"])
    return v


def total_row(L, rows):
    width = len(L["cols"])
    out = [""] * width
    keys = [k for k, _ in L["cols"]]
    label = keys.index("community") if L["total_in_name"] else 0
    out[label] = "合计"
    sums = {"buildings": str(sum(r["b"] for r in rows)),
            "households": str(sum(r["hh"] for r in rows)),
            "area_m2": fmt_area(sum(r["area"] for r in rows), L),
            "investment": fmt_cents(sum(r["inv"] for r in rows), L["money"])}
    for k, f in enumerate(FUNDS):
        sums[f] = fmt_cents(sum(r["funds"][k] for r in rows), L["money"]) if rows and "funds" in rows[0] else ""
    if rows and "elevators" in rows[0]:
        sums["elevators"] = str(sum(r["elevators"] for r in rows))
    for i, k in enumerate(keys):
        out[i] = sums.get(k, out[i])
    return out


# how write_sheet writes the cells a repeated row changes (see ADDED ROWS)
CHANGED = {"community": lambda r, L: r["name"], "address": lambda r, L: r["addr"],
           "households": lambda r, L: str(r["hh"]),
           "investment": lambda r, L: fmt_cents(r["inv"], L["money"])}


def write_sheet(rng, path, L, c, recs, plan_year, what, errors=(), added=(), arng=None):
    """One county's submission. errors: [(rec, column, value, why)] rows that
    must be rejected; returns [(line, header, column, value, why)] for them.
    added: rows for the later filters to drop (see ADDED ROWS below), written
    at the bottom of the sheet with their own random stream arng, so that the
    other rows come out the same with or without them; each gets its "line",
    and the "line" of the row it repeats as "like_line"."""
    body = [(r, None) for r in recs]
    for e in errors:
        body.insert(rng.randint(1, len(body)), (e[0], e))
    rows = title_rows(L, c, plan_year, what)
    kinds = [("title",)] * len(rows)
    rows.append([h for _, h in L["cols"]])
    kinds.append(("header",))
    keys = [k for k, _ in L["cols"]]
    written = {}                                 # id(rec) -> its row, for repeats
    for seq, (r, e) in enumerate(body, 1):
        v = cells(rng, L, r, seq, plan_year)
        row = [v.get(k, "") for k in keys]
        if e and e[1] == "shift":               # a row pasted one column too far right
            i = keys.index("build_year")
            row = row[:i] + [v["address"]] + row[i:-1]
        elif e:
            row[keys.index(e[1])] = e[2]
        else:
            written[id(r)] = row
        rows.append(row)
        col = e and ("build_year" if e[1] == "shift" else e[1])
        kinds.append(("error", e, col, row[keys.index(col)]) if e else ("row", r))
    if L["blank"]:
        at = rng.randint(len(rows) - len(body) + 1, len(rows))
        rows.insert(at, [""] * len(keys) if L["blank"] == "commas" else [])
        kinds.insert(at, ("blank",))
    seq = len(body)
    for x in added:
        if x.get("like"):                       # a row of the sheet, repeated
            row = list(written[id(x["like"])])
            for k in x.get("changed", ()):
                row[keys.index(k)] = CHANGED[k](x["rec"], L)
            if not x.get("paste") and "seq" in keys:
                seq += 1
                row[keys.index("seq")] = str(seq)
        else:
            seq += 1
            v = cells(arng, L, x["rec"], seq, plan_year)
            row = [v.get(k, "") for k in keys]
        rows.append(row)
        kinds.append(("added", x))
    if L["total"]:                               # the county's SUM covers every row
        rows.append(total_row(L, recs + [x["rec"] for x in added]))
        kinds.append(("total",))
    starts = write_csv(path, rows, L["enc"], L["crlf"])
    out, line_of = [], {}
    for line, k in zip(starts, kinds):
        if k[0] == "row":
            line_of[id(k[1])] = line
        elif k[0] == "error":
            _, (_, _, _, why), col, value = k
            out.append((line, dict(L["cols"])[col], col, value, why))
        elif k[0] == "added":
            k[1]["line"] = line
            if k[1].get("like"):
                k[1]["like_line"] = line_of[id(k[1]["like"])]
    return out


# ---- Jilin 2020: submissions with seeded errors ---------------------------------
SEEDED = [  # county (or None: any), column, value, why a county office does this
    (None, "households", "一百二十", "figure copied from a hand-written ledger in Chinese numerals"),
    (None, "households", "二百零六", "same habit in another county: the paper 台帐 is in Chinese numerals"),
    (None, "households", "N/A", "survey team had not reached the community; placeholder from an English template"),
    (None, "households", "0", "households not yet counted, 0 typed to keep the formula columns working"),
    (None, "households", "25000", "the whole subdistrict's households typed instead of the community's"),
    (None, "households", "-48", "a formula (=E12-E11) pasted as a value after the rows were re-sorted"),
    (None, "buildings", "0", "bungalow courtyard: the clerk counted no 'building'"),
    (None, "buildings", "800", "households typed into the buildings column"),
    (None, "buildings", "3.5", "a building shared with the neighbouring community counted as half"),
    (None, "build_year", "2021", "planned completion year typed instead of the construction year"),
    (None, "build_year", "八十年代", "only the decade is known from the archive"),
    (None, "build_year", "1890", "digits transposed (1980)"),
    (None, "build_year", "19850", "an extra digit typed"),
    (None, "build_year", "七十年代末", "only the decade is known; written as the residents say it"),
    (None, "community", "", "name cell was merged with the row above in Excel; the export leaves it empty"),
    (None, "community", "", "a row added for a second phase, name left for later"),
    (None, "community", "LONG", "the whole project description pasted into the name cell"),
    ("南关区", "county_code", "220l02", "lower-case letter l typed for the digit 1"),
    ("榆树市", "county_code", "22018", "a digit dropped when the code was typed by hand"),
    ("磐石市", "county_code", "2202840", "an extra 0 typed: 7 digits"),
    (None, "county_code", "210102", "sheet started from a neighbouring province's template (沈阳市和平区)"),
    (None, "county_code", "", "code left blank on a row inserted after the sheet was filled"),
    (None, "area_m2", "约3000", "area estimated, not measured; the clerk wrote 约 (about)"),
    (None, "area_m2", "未测绘", "area not surveyed yet"),
    (None, "investment", "待定", "cost estimate not ready when the sheet was due"),
    (None, "investment", "-35.6", "a reduction entered as a negative investment"),
    (None, "investment", "约800", "rough estimate written with 约 (about)"),
    (None, "items", "", "renovation content left for the design institute to fill in"),
    ("CONSENT", "consent_pct", "120%", "agreeing signatures counted against the wrong base (owners, not households)"),
    (None, "shift", "", "row pasted one column too far right: address repeated in the year column, "
                        "every figure moved one column on"),
]
LONG_NAME = ("该小区包括原" + "、".join(UNITS[:14]) + "等单位职工住宅楼，由于产权单位改制，"
             "现由街道代管，建成年代较早，设施老化严重，群众改造意愿强烈")


def jilin_2020(rng, namer):
    """The 1945 plan rows and the 30 seeded errors; written by jilin_2020_write."""
    counties = parse_registry(JILIN)
    folder = HERE / "jilin-2020"
    write_registry(folder, counties, 2020, budget=JILIN_2020_BUDGET,
                   scores_from="jilin-2019")
    gb = {"农安县", "梨树县", "东丰县", "镇赉县", "汪清县"}
    bom = {"船营区", "延吉市", "梅河口市", "宁江区"}
    consent = {"南关区", "敦化市", "铁西区"}
    layouts = {c["code"]: choose_layout(rng, c, "gb18030" if c["name"] in gb else
                                        "utf-8-bom" if c["name"] in bom else None,
                                        c["name"] in consent,
                                        True if c["name"] in ("榆树市", "珲春市") else None)
               for c in counties}
    counts = apportion(1945, [c["size"] for c in counties], [8] * 47, [400] * 47)
    recs = gen_stock(rng, namer, counties, counts, 270000, (3.3, 40), (10, 22, 55, 120),
                     (50, 55, 105, 110))
    settle_area_units(rng, recs, layouts, exact=False)
    for r in recs:
        price_jilin(rng, r)
        r["items"] = pick_items(rng, JILIN_ITEMS, [(1, 3), (1, 3), (0, 2), (0, 2)])
        if layouts[r["c"]["code"]]["consent"]:
            r["consent"] = rng.randint(70, 100)
    # seeded errors: each on a community of its own, in the county named or one drawn
    by_name = {c["name"]: c for c in counties}
    errors = {c["code"]: [] for c in counties}
    for county, col, value, why in sorted(SEEDED, key=lambda e: e[0] is None):
        drawn = county is None          # named counties first; drawn ones at most 2 a file
        if county == "CONSENT":
            county = rng.choice(sorted(consent))
        while county is None or drawn and len(errors[by_name[county]["code"]]) >= 2:
            county = rng.choices(counties, [c["size"] for c in counties])[0]["name"]
        c = by_name[county]
        e = gen_stock(rng, namer, [c], [1], 60, (3, 5), (10, 20, 40, 120), (50, 55, 100, 110))[0]
        settle_area_units(rng, [e], layouts, exact=False)
        price_jilin(rng, e)
        e["items"] = pick_items(rng, JILIN_ITEMS, [(1, 3), (1, 2), (0, 1), (0, 1)])
        if layouts[c["code"]]["consent"]:
            e["consent"] = rng.randint(70, 100)
        if col == "area_m2" and layouts[c["code"]]["area"] == "wan":
            value = value.replace("3000", "0.3")
        errors[c["code"]].append((e, col, LONG_NAME if value == "LONG" else value, why))
    return dict(counties=counties, folder=folder, layouts=layouts, recs=recs, errors=errors)


def jilin_2020_write(rng, plan, added, arng):
    """The 47 sheets and SEEDED-ERRORS.md; added: {county_code: [ADDED ROWS row]},
    written with their own random stream arng."""
    counties, folder, layouts, recs, errors = (plan[k] for k in (
        "counties", "folder", "layouts", "recs", "errors"))
    found = []
    sub = folder / "submissions"
    for code, errs in errors.items():    # a 合计 only where every row is valid, so that
        L = layouts[code]                  # "the sum of the rows" has one meaning
        L["total"] = not errs and (L["total"] or rng.random() < .4)
    for c in counties:
        mine = [r for r in recs if r["c"] is c]
        for line, header, col, value, why in write_sheet(
                rng, sub / f"{c['name']}.csv", layouts[c["code"]], c, mine, 2020,
                rng.choice(["城镇老旧小区改造计划申报表", "城镇老旧小区改造项目汇总表",
                            "老旧小区改造任务台帐"]), errors[c["code"]],
                added[c["code"]], arng):
            found.append((f"submissions/{c['name']}.csv", line, col, header, value, why))
    write_seeded(folder / "SEEDED-ERRORS.md", found)


def write_seeded(path, found):
    text = ["# Seeded errors in samples/jilin-2020", "",
            "Rows that `xq-validate` must reject, one problem each (the shifted row has",
            "several). `line` is the physical line where the record starts in the file",
            "(title rows and line breaks inside quoted cells counted); `column` is the",
            "canonical name, `header` the file's own header for it. An empty `value` means",
            "the cell is empty. Written by samples/generate.py; do not edit by hand.", "",
            "| file | line | column | header | value | why |", "|---|---|---|---|---|---|"]
    for f in sorted(found, key=lambda x: (x[0], x[1])):
        text.append("| " + " | ".join(str(x).replace("|", "/") for x in f) + " |")
    path.write_text("\n".join(text) + "\n", encoding="utf-8")


# ---- rows added for xq-dedupe and xq-classify-scope (ADDED ROWS) ---------------------
# On top of the plan rows (and Jilin's seeded errors) the sheets carry valid rows
# that a later filter of the plan must drop, so that the samples walk every path
# of xq-dedupe and xq-classify-scope while the finished plan keeps the seed totals
# exactly. An added row is a dict:
#   rec      the community, as the plan rows are (c, name, addr, sub, year, b, hh, area, ...)
#   like     the plan row it repeats (its cells are copied), absent for a new community
#   changed  the cells of a repeat written differently (community, address,
#            households, investment; CHANGED says how)
#   paste    the repeat keeps the 序号 of `like` (a block pasted twice)
#   kind     copy, conflict, history (xq-dedupe drops it); flag (xq-dedupe flags it
#            and keeps it), scope, gate (xq-classify-scope sends it to the exceptions)
#   what, why  what it tests; why a county office writes such a row
# write_sheet puts it at the bottom of its county's sheet and sets line (and like_line).
JILIN_2020_BUDGET = 150000      # 万元, illustrative (README.md)
XIANNING_2024_BUDGET = 45440    # 万元, illustrative: 20% of the plan's 227,200万元
DROPPED_BY = {"copy": "xq-dedupe", "conflict": "xq-dedupe", "history": "xq-dedupe",
              "flag": "xq-classify-scope (xq-dedupe flags the one it reads second)", "scope": "xq-classify-scope",
              "gate": "xq-classify-scope"}
CN_DIGITS = "零一二三四五六七八九"


def cn_numeral(n):
    """1..99 as a clerk writes it in Chinese numerals: 3 三, 10 十, 12 十二, 27 二十七."""
    tens, ones = divmod(n, 10)
    return ((CN_DIGITS[tens] if tens > 1 else "") + "十" if tens else "") + \
        (CN_DIGITS[ones] if ones else "")


def plausible(r):
    """Inside xq-validate's default plausibility bounds (W303-W306), so that an added
    row draws no warning but the one it may be made for (W307, built after 2000)."""
    m2 = r["area"] / 100
    return (30 <= m2 / r["hh"] <= 200 and 2 <= r["hh"] / r["b"] <= 150 and
            50 <= r["inv"] * 100 / m2 <= 1500 and .3 <= r["inv"] / 100 / r["hh"] <= 15)


def jilin_community(rng, c, name, addr, year, layouts, sub=None, figures=None):
    """A Jilin 2020 row for an added community, priced and described like the plan
    rows; figures: (buildings, households, area in 0.01 ㎡), else drawn."""
    if figures is None:
        b = rng.randint(2, 8)
        hh = b * rng.randint(12, 40)
        figures = b, hh, round(hh * rng.uniform(60, 100)) * 100
    r = dict(c=c, name=name, addr=addr, sub=sub or rng.choice(c["subs"]), year=year,
             b=figures[0], hh=figures[1], area=figures[2])
    settle_area_units(rng, [r], layouts, exact=False)
    price_jilin(rng, r)
    r["items"] = pick_items(rng, JILIN_ITEMS, [(1, 3), (1, 3), (0, 2), (0, 2)])
    if layouts[c["code"]]["consent"]:
        r["consent"] = rng.randint(70, 100)
    assert plausible(r), r
    return r


def write_history(path, plan2019):
    """jilin-2020/history.csv for xq-dedupe -H: the 831 communities of the 2019 plan,
    renovated in 2019. Returns {id(2019 row): its line}."""
    rows = [["county_code", "community", "address", "year"]]
    rows += [[r["c"]["code"], r["name"], r["addr"], "2019"] for r in plan2019]
    starts = write_csv(path, rows, "utf-8", False)
    return {id(r): n for r, n in zip(plan2019, starts[1:])}


def jilin_2020_added(rng, namer, plan, plan2019, history):
    """Jilin 2020's added rows, {county_code: [row, ...]}: copies, rows written
    differently, conflicts (the true row always first: xq-dedupe keeps the first),
    2019 communities sent again, a pair across a county boundary and communities
    built after 2000. namer draws after 2019's names, from rng."""
    counties, layouts, recs = plan["counties"], plan["layouts"], plan["recs"]
    county = {c["name"]: c for c in counties}
    added = {c["code"]: [] for c in counties}

    def add(rec, kind, what, why, **kw):
        n = sum(map(len, added.values()))      # README.md lists them in this order
        added[rec["c"]["code"]].append(dict(rec=rec, kind=kind, what=what, why=why, n=n, **kw))

    def pick(name, test):
        # xq-validate passes 序号 on, and a row typed again at the bottom of a sheet
        # gets a new one, which xq-dedupe would count as a conflict: the rows
        # written differently and the conflicts go to sheets without a 序号 column.
        assert not layouts[county[name]["code"]]["seq"], name
        return rng.choice([r for r in recs if r["c"] is county[name] and test(r)])

    # exact copies: 德惠市 pasted a block of three rows a second time
    mine = [r for r in recs if r["c"] is county["德惠市"]]
    k = rng.randint(0, len(mine) - 3)
    for r in mine[k:k + 3]:
        add(r, "copy", "exact copy", "a block of three rows pasted a second time at the "
            "bottom of the sheet, 序号 and all", like=r, paste=True)
    # the same row written differently: a copy for xq-dedupe, once its keys agree
    r = pick("农安县", lambda r: re.search("[0-9]", r["name"]) and re.search("[0-9]", r["addr"]))
    add(dict(r, name=r["name"].translate(FULLWIDTH), addr=r["addr"].translate(FULLWIDTH)),
        "copy", "copy written differently: full-width digits (３号院 = 3号院)",
        "typed again with the input method left in full-width mode", like=r,
        changed=("community", "address"))
    r = pick("磐石市", lambda r: re.fullmatch("(.+?)([0-9]+)(号[院楼])", r["name"]))
    m = re.fullmatch("(.+?)([0-9]+)(号[院楼])", r["name"])
    add(dict(r, name=m[1] + cn_numeral(int(m[2])) + m[3]), "copy",
        "copy written differently: Chinese numerals (三号院 = 3号院)",
        "typed again from the hand-written 台帐, where numbers are in Chinese numerals",
        like=r, changed=("community",))
    r = pick("舒兰市", lambda r: r["name"].endswith(tuple(UNIT_SUFFIX)))
    suffix = next(s for s in UNIT_SUFFIX if r["name"].endswith(s))
    add(dict(r, name=r["name"][:-len(suffix)] + "  " + suffix), "copy",
        "copy written differently: extra spaces in the name",
        "copied from a subdistrict's sheet that spaced out the name", like=r,
        changed=("community",))
    r = pick("浑江区", lambda r: r["name"].endswith("小区") and not r["name"].endswith("住宅小区"))
    add(dict(r, name=r["name"][:-2]), "copy", "copy written differently: suffix 小区 left out",
        "a second clerk listed it by its everyday name", like=r, changed=("community",))
    # conflicts: the same community with other figures, after the true row
    r = pick("东昌区", lambda r: r["hh"] >= 40)
    add(dict(r, hh=r["hh"] - rng.randint(3, r["hh"] // 10)), "conflict",
        "conflict: households differ",
        "entered again from the first survey, which missed some households", like=r,
        changed=("households",))
    r = pick("珲春市", lambda r: r["hh"] >= 40)
    add(dict(r, hh=r["hh"] + rng.randint(3, r["hh"] // 10), inv=round(r["inv"] * rng.uniform(.8, .9))),
        "conflict", "conflict: households and investment differ",
        "an earlier draft of the row (before the re-count and the design estimate) "
        "left at the bottom of the sheet", like=r, changed=("households", "investment"))
    # communities of the 2019 plan, sent again
    for name, test, rename, what, why in (
            ("南关区", lambda r: True, lambda n: n, "renovated in 2019, same name and address",
             "the county sent its 2019 survey list again"),
            ("梅河口市", lambda r: r["name"].endswith(tuple(UNIT_SUFFIX)),
             lambda n: n[:-next(len(s) for s in UNIT_SUFFIX if n.endswith(s))] + "小区",
             "renovated in 2019, name written differently",
             "a second phase asked for under another name; the 2019 plan funded it")):
        r19 = rng.choice([r for r in plan2019 if r["c"]["code"] == county[name]["code"] and test(r)])
        r = jilin_community(rng, county[name], rename(r19["name"]), r19["addr"], r19["year"],
                            layouts, r19["sub"], (r19["b"], r19["hh"], r19["area"]))
        add(r, "history", what, why, repeats=f"history.csv line {history[id(r19)]} "
            f"(`{r19['name']}`)")
    # one community on the boundary of two counties, listed by both; built 2004
    a, b = county["宁江区"], county["前郭尔罗斯蒙古族自治县"]
    r = jilin_community(rng, a, *namer.community(a, also=[b]), 2004, layouts)
    for rec in (r, dict(r, c=b, sub=rng.choice(b["subs"]))):
        add(rec, "flag", "same name and address in two counties; built 2004, out of scope",
            "a 2004 estate on the 宁江区 / 前郭 boundary surveyed by both")
    # built after 2000
    for name, year, why in (("公主岭市", 2003, "commercial housing of 2003 put on the list by "
                             "its subdistrict office"),
                            ("铁西区", 2008, "a 2008 resettlement building whose residents "
                             "asked for repairs")):
        c = county[name]
        add(jilin_community(rng, c, *namer.community(c), year, layouts), "scope",
            f"built {year}, after 2000: out of scope", why)
    return added


# ---- Jilin 2019: the plan and the progress reports ------------------------------------
TIERS = {"good": "南关区 船营区 延吉市 梅河口市 龙山区 东昌区 公主岭市 敦化市 珲春市 磐石市 宁江区 集安市",
         "late": "通榆县 镇赉县 安图县 汪清县 乾安县 长白朝鲜族自治县 靖宇县 东辽县 伊通满族自治县 和龙市"}
# completed weight, under-construction weight, P(prelim on time), spend fractions
# (completed, under construction, preliminary), satisfaction range, P(long-term mgmt
# | completed), P(reported on time), extra days of delay
TIER = {"good": (.72, .24, .95, (.85, 1.0), (.5, .85), (0, .2), (88, 99), .92, .97, 0),
        "avg": (.38, .34, .60, (.7, .95), (.3, .7), (0, .1), (80, 96), .70, .80, 30),
        "late": (.08, .30, .12, (.4, .8), (.1, .4), (0, 0), (70, 90), .35, .45, 70)}


def tier_of(c):
    return next((t for t, names in TIERS.items() if c["name"] in names.split()), "avg")


def jilin_2019(rng, namer):
    counties = parse_registry(JILIN)
    folder = HERE / "jilin-2019"
    write_registry(folder, counties, 2019)
    gb = {"农安县", "梨树县", "东丰县", "镇赉县"}
    bom = {"船营区", "延吉市", "梅河口市"}
    layouts = {c["code"]: choose_layout(rng, c, "gb18030" if c["name"] in gb else
                                        "utf-8-bom" if c["name"] in bom else None)
               for c in counties}
    counts = apportion(831, [c["size"] for c in counties], [4] * 47, [200] * 47)
    recs = gen_stock(rng, namer, counties, counts, 218000, (5.5, 40), (10, 30, 55, 120),
                     (45, 55, 92, 130), area_total=15667000)
    settle_area_units(rng, recs, layouts, exact=True)
    for r in recs:
        price_jilin(rng, r)
        r["items"] = pick_items(rng, JILIN_ITEMS, [(1, 3), (1, 3), (0, 2), (0, 2)])
    for c in counties:
        mine = [r for r in recs if r["c"] is c]
        write_sheet(rng, folder / "submissions" / f"{c['name']}.csv", layouts[c["code"]], c,
                    mine, 2019, "中央补助支持城镇老旧小区改造计划表")
    status = plan_status(rng, counties, counts)
    for c in counties:
        mine = [r for r in recs if r["c"] is c]
        write_progress(rng, folder / "progress" / f"{c['name']}.csv", c, mine, status[c["code"]],
                       layouts[c["code"]])
    return recs


def plan_status(rng, counties, counts):
    """Exactly 303 completed, 226 under construction, 302 preliminary, shared out by tier."""
    t = [TIER[tier_of(c)] for c in counties]
    done = apportion(303, [n * x[0] for n, x in zip(counts, t)], [0] * 47, counts)
    left = [n - d for n, d in zip(counts, done)]
    busy = apportion(226, [n * x[1] for n, x in zip(counts, t)], [0] * 47, left)
    out = {}
    for c, n, d, b in zip(counties, counts, done, busy):
        s = ["完工"] * d + ["在建"] * b + ["前期"] * (n - d - b)
        rng.shuffle(s)
        out[c["code"]] = s
    return out


def day(rng, a, b):
    a, b = dt.date.fromisoformat(a), dt.date.fromisoformat(b)
    return a + dt.timedelta(days=rng.randint(0, (b - a).days))


def progress_dates(rng, t, status):
    prelim = day(rng, "2019-01-15", "2019-03-29") if rng.random() < t[2] else \
        day(rng, "2019-04-02", ["2019-04-30", "2019-05-31", "2019-08-15"][t[9] // 30])
    if status == "前期":
        return prelim, None, None
    start = max(prelim, dt.date(2019, 4, 10)) + dt.timedelta(days=rng.randint(5, 40 + t[9]))
    if status == "在建":
        return prelim, start, None
    end = start + dt.timedelta(days=rng.randint(60, 120 + t[9]))
    return prelim, start, min(end, dt.date(2020, 1, 20))


def progress_name(rng, name):
    r = rng.random()
    if r < .015:
        return name + " "
    if r < .03 and any(ch.isdigit() for ch in name):
        return name.translate(FULLWIDTH)
    return name


def write_progress(rng, path, c, recs, statuses, L):
    t = TIER[tier_of(c)]
    dstyle = rng.choice(["iso", "slash", "cn", "compact", "slash"])
    pct = rng.choice(["int", "int", "pct"])
    seq = rng.random() < .5
    head = (["序号"] if seq else []) + [
        "行政区划代码", "县(市、区)", "小区名称", "计划年度", rng.choice(["项目状态", "进展状态"]),
        "前期工作完成日期", "开工日期", "完工日期", "完成投资", "下达补助资金", "已支出补助资金",
        "居民满意度", "建立长效管理机制", "按时报送"]
    rows = []
    if rng.random() < .7:
        rows = [[f"{c['name']}2019年城镇老旧小区改造项目进度表"], ["截至2020年1月31日", "单位：万元"]]
    rows.append(head)
    for i, (r, s) in enumerate(zip(recs, statuses), 1):
        pre, start, end = progress_dates(rng, t, s)
        frac = {"完工": t[3], "在建": t[4], "前期": t[5]}[s]
        done = {"完工": rng.uniform(.92, 1.05), "在建": rng.uniform(.15, .75), "前期": 0}[s]
        alloc = round(r["inv"] * rng.uniform(.35, .6))
        mgmt = rng.random() < (t[7] if s == "完工" else t[7] / 3 if t[7] > .5 else 0)
        rows.append(([str(i)] if seq else []) + [
            c["code"], c["name"], progress_name(rng, r["name"]), "2019", s,
            fmt_date(pre, dstyle), fmt_date(start, dstyle) if start else "",
            fmt_date(end, dstyle) if end else "", fmt_cents(round(r["inv"] * done), L["money"]),
            fmt_cents(alloc, L["money"]), fmt_cents(round(alloc * rng.uniform(*frac)), L["money"]),
            fmt_pct(rng.randint(*t[6]), pct) if s == "完工" else "",
            "是" if mgmt else "否", "是" if rng.random() < t[8] else "否"])
    write_csv(path, rows, L["enc"], L["crlf"])


# ---- Xianning 2024 ----------------------------------------------------------------
def xianning_2024(rng):
    """The 434 plan rows and 5 added rows for xq-classify-scope to drop; returns
    {county_code: [added row]}."""
    counties = parse_registry(XIANNING)
    for c in counties:
        c["subs"], c["seat"] = c["seat"].split(","), "-"
    folder = HERE / "xianning-2024"
    write_registry(folder, counties, 2024, budget=XIANNING_2024_BUDGET)
    namer = Namer(rng, XN_STREETS)
    counts = [int(c["size"]) for c in counties]
    recs = gen_stock(rng, namer, counties, counts, 74857, (20, 120), (3, 6, 12, 24),
                     (50, 95, 140, 180), area_total=8743200, bld_total=8640, year_lo=1978)
    settle_area_units(rng, recs, {c["code"]: {"area": "m2"} for c in counties}, exact=True)
    lo = [max(math.ceil(r["area"] * 80 / 10000), r["hh"] * 40) for r in recs]
    hi = [min(r["area"] * 1200 // 10000, r["hh"] * 1200) for r in recs]
    inv = apportion(22720000, [r["area"] * rng.uniform(180, 350) for r in recs], lo, hi)
    for r, v in zip(recs, inv):
        xianning_content(rng, r, v)
    marks = {"421202": "是", "421221": "√", "421222": "是", "421223": "Y", "421224": "是",
             "421281": "√", "421290": "是"}
    arng = random.Random(f"{SEED}-xianning-2024-added")
    added = xianning_added(arng, Namer(arng, XN_STREETS, namer.used), counties, marks)
    for c in counties:
        mine = [r for r in recs if r["c"] is c]
        L = xianning_layout(rng, c)
        for r in mine:
            r["pre"] = [marks[c["code"]]] * 6
        write_sheet(rng, folder / "submissions" / f"{c['name']}.csv", L, c, mine, 2024,
                    "城镇老旧小区改造项目计划表", (), added[c["code"]], arng)
    return added


def xianning_content(rng, r, v):
    """Investment v (0.01万元), elevators, items, the funding split and consent."""
    r["inv"] = v
    r["elevators"] = rng.choice([1, 1, 2, 2, 3, 4, 6]) if rng.random() < .18 else 0
    groups = pick_items(rng, XN_ITEMS, [(2, 4), (2, 5), (1, 2)])
    extra = rng.sample(XN_COST, rng.randint(0, 2))
    if r["elevators"]:
        extra.insert(0, f"加装电梯{r['elevators']}部（居民出资为主，财政奖补）")
    if extra:
        groups.append(("共同出资", extra))
    r["items"] = groups
    w = [rng.uniform(.35, .55), rng.uniform(.04, .10), rng.uniform(.08, .18),
         rng.choice([0, 0, rng.uniform(.05, .2)]), rng.uniform(.03, .08) + .08 * (r["elevators"] > 0),
         rng.uniform(.02, .06), rng.choice([0, 0, rng.uniform(0, .04)]), rng.choice([0, 0, 0, rng.uniform(0, .05)])]
    r["funds"] = apportion(v, w, [0] * 8, [v if x else 0 for x in w])
    r["consent"] = rng.randint(72, 100)


# Xianning's added rows: county, build year (None: before 2001), consent (None: drawn),
# preconditions not met ({index in PRE_HEADERS: "no" or "" for an empty cell}), what, why
XIANNING_ADDED = [
    ("咸安区", 2005, None, {}, "scope", "built 2005, after 2000: out of scope",
     "a 2005 estate put forward by its subdistrict"),
    ("通城县", None, None, {3: "no"}, "gate", "拆除违法建设 否: 不拆违不改造",
     "illegal extensions not yet pulled down"),
    ("崇阳县", None, None, {4: "no"}, "gate", "出资参与改造 否: 不众筹不改造",
     "residents have not agreed to pay their share"),
    ("赤壁市", None, None, {2: "", 5: "no"}, "gate",
     "签订居民公约 empty and 承诺接受后期物业管理 否: two preconditions",
     "convention not yet signed (cell left empty), no commitment to pay for property management"),
    ("嘉鱼县", None, 60, {}, "gate", "居民同意率 60%, below 2/3",
     "only 60% of the households signed the renovation request"),
]
NO = {"是": "否", "√": "×", "Y": "N"}


def xianning_added(rng, namer, counties, marks):
    """Communities that xq-classify-scope must send to the exceptions, priced and
    funded like the plan rows; {county_code: [added row]}."""
    county = {c["name"]: c for c in counties}
    added = {c["code"]: [] for c in counties}
    for name, year, consent, unmet, kind, what, why in XIANNING_ADDED:
        c = county[name]
        name_, addr = namer.community(c)
        b = rng.randint(5, 30)
        hh = b * rng.randint(6, 12)
        r = dict(c=c, name=name_, addr=addr, sub=rng.choice(c["subs"]),
                 year=year or gen_year(rng, 1978), b=b, hh=hh, area=hh * rng.randint(95, 140) * 100)
        xianning_content(rng, r, round(r["area"] * rng.uniform(180, 350) / 10000))
        if consent:
            r["consent"] = consent
        r["pre"] = [NO[marks[c["code"]]] if unmet.get(k) == "no" else "" if k in unmet
                    else marks[c["code"]] for k in range(len(PRE_HEADERS))]
        assert plausible(r), r
        added[c["code"]].append(dict(rec=r, kind=kind, what=what, why=why,
                                     n=sum(map(len, added.values()))))
    return added


def xianning_layout(rng, c):
    L = choose_layout(rng, c, "utf-8-bom" if c["name"] == "通山县" else None, True, False)
    L.update(area="m2", fullwidth=False, year=rng.choice(["plain", "nian", "plain"]),
             items="glines" if c["name"] == "咸安区" else rng.choice(["grouped", "grouped", "num", "、"]), total=c["name"] in
             ("咸安区", "赤壁市", "通城县"), total_in_name=False, blank=L["blank"] if c["name"] != "咸安区" else "commas",
             pct={"421202": "pct", "421281": "frac"}.get(c["code"], "int"))
    L["crlf"] = c["name"] in ("通山县", "崇阳县", "赤壁市")
    L["cols"] = [kh for kh in L["cols"] if kh[0] != "consent_pct"]
    L["cols"] += list(zip(FUNDS, FUND_HEADERS)) + [("elevators", "加装电梯数"), ("consent_pct", "居民同意率")]
    L["cols"] += [(f"pre{k}", h) for k, h in enumerate(PRE_HEADERS)]
    if c["name"] == "赤壁市":
        L["cols"].append(("plan_year", "计划年度"))
    return L


README_BEGIN = "<!-- added rows: written by samples/generate.py from here -->"
README_END = "<!-- added rows: to here -->"


def added_section(profile, rows, plan_rows, rejected, history="", note=""):
    """README.md text for one profile's added rows: the table and the balance."""
    rows = sorted(rows, key=lambda x: x["n"])
    n = {k: sum(x["kind"] == k for x in rows) for k in DROPPED_BY}
    valid = plan_rows + len(rows)
    dropped = n["copy"] + n["conflict"] + n["history"]
    exceptions = n["scope"] + n["flag"] + n["gate"]
    late = sum(x["rec"]["year"] > 2000 for x in rows)
    text = [f"### {profile}: {len(rows)} added rows", "",
            "| file | line | community as written | repeats | what it tests | dropped by | why |",
            "|---|---|---|---|---|---|---|"]
    for x in rows:
        repeats = f"line {x['like_line']}" if x.get("like") else x.get("repeats", "")
        text.append("| " + " | ".join(str(v).replace("|", "/") for v in (
            f"submissions/{x['rec']['c']['name']}.csv", x["line"], f"`{x['rec']['name']}`",
            repeats, x["what"], DROPPED_BY[x["kind"]], x["why"])) + " |")
    flags = n["flag"] // 2
    text += ["", "Expected at each stage of the plan:", "",
             "| filter | records in | out | set aside |", "|---|---|---|---|",
             f"| xq-validate | {valid + rejected} | {valid} valid | {rejected} rejected; "
             f"{late} warning{'s' * (late != 1)} W307 (built after 2000) |",
             f"| xq-dedupe{history} | {valid} | {valid - dropped} kept | {dropped} dropped "
             f"({n['copy']} copies, {n['conflict']} conflicts, {n['history']} renovated earlier); "
             f"{flags} cross-county flag{'s' * (flags != 1)}{' (both kept)' * (flags > 0)} |",
             f"| xq-classify-scope | {valid - dropped} | {valid - dropped - exceptions} | "
             f"{exceptions} exceptions ({n['scope'] + n['flag']} out of scope, "
             f"{n['gate']} failing a gate) |", "",
             f"Balance: {valid + rejected} records in = {plan_rows} in the plan + {rejected} "
             f"rejected + {dropped} duplicates + {exceptions} exceptions.{note}", ""]
    return text


def write_readme_tables(sections):
    """Rewrite the part of README.md between README_BEGIN and README_END."""
    path = HERE / "README.md"
    text = path.read_text(encoding="utf-8")
    head, rest = text.split(README_BEGIN + "\n")
    _, tail = rest.split(README_END + "\n")
    body = [line for sec in sections for line in sec]
    path.write_text(head + README_BEGIN + "\n" + "\n".join(body) + "\n" + README_END + "\n" + tail,
                    encoding="utf-8")


def main():
    for name in ("jilin-2020", "jilin-2019", "xianning-2024"):
        for sub in ("submissions", "progress"):
            shutil.rmtree(HERE / name / sub, ignore_errors=True)
        for sub in ("submissions",) + (("progress",) if name == "jilin-2019" else ()):
            (HERE / name / sub).mkdir(parents=True)
    namer = Namer(random.Random(f"{SEED}-names"), STREETS)
    rng2020 = random.Random(f"{SEED}-jilin-2020")
    plan2020 = jilin_2020(rng2020, namer)
    plan2019 = jilin_2019(random.Random(f"{SEED}-jilin-2019"), namer)
    # Jilin 2020's added rows draw their names after 2019's, and everything from a
    # stream of their own: no other row of any file changes with them.
    history = write_history(HERE / "jilin-2020" / "history.csv", plan2019)
    arng = random.Random(f"{SEED}-jilin-2020-added")
    added2020 = jilin_2020_added(arng, Namer(arng, STREETS, namer.used), plan2020, plan2019,
                                 history)
    jilin_2020_write(rng2020, plan2020, added2020, arng)
    added2024 = xianning_2024(random.Random(f"{SEED}-xianning-2024"))
    write_readme_tables([
        added_section("jilin-2020", [x for c in plan2020["counties"] for x in added2020[c["code"]]],
                      len(plan2020["recs"]), len(SEEDED), " -H history.csv"),
        added_section("xianning-2024", [x for xs in added2024.values() for x in xs], 434, 0,
                      note=" The three precondition rows need the profile's gates.csv (the six "
                      "preconditions); without it they pass and end in the plan.")])


if __name__ == "__main__":
    main()
