"""Identity keys: when two spellings name one person, one village or one zone.

Every value a conflict or pool rule reads is compared by one documented key, so that the
spellings an office types for one identity become one, and spellings that are merely *close*
can be found and refused (:func:`near_reason`).  The keys (all after :func:`~.cells.clean`:
Unicode NFKC, zero-width characters removed):

* **people** (:func:`person_name`): spaces removed; every name-separator mark folded away
  (:data:`NAME_SEPARATORS`: ``·`` U+00B7, ``•`` U+2022, ``・`` U+30FB, ``･`` U+FF65, ``‧``,
  ``∙``, ``⋅``, ``.``, ``．``, hyphens, or none at all: ``阿卜杜拉·艾买提`` = ``阿卜杜拉•艾买提``
  = ``阿卜杜拉艾买提``); remarks in brackets set aside (``刘某某（会计）`` = ``刘某某``); a title
  or office word of :data:`TITLE_WORDS` at either end set aside (``村支书吐尔逊·买买提`` =
  ``吐尔逊·买买提 村支书`` = ``吐尔逊·买买提``) when it is written apart from the name (a space,
  a dot) or when at least two characters of name remain beside a title of three or more
  characters (three beside a two-character title); case folded.  A remark holding a word of
  :data:`DISTINCT_WORDS` (``王伟（另一人）``) says "a different person": the remark then stays
  in the key, so the person is nobody else.  Traditional forms of common name characters are
  folded (``買買提`` = ``买买提``).  Names of four characters or more written in another
  transcription of one name (:data:`TRANSCRIPTIONS`: ``阿不都·买买提`` / ``阿卜杜·麦麦提``,
  ``吐尔逊`` / ``图尔荪``) are *one person for the conflict rules* (:attr:`PersonName.sound`),
  as two people typed with one spelling are: offices transcribe one name several ways.
* **villages** (:func:`village_key`): spaces and remarks removed, common place characters in
  traditional form folded (鄉 -> 乡 ...), and the administrative ending dropped, repeatedly
  (:data:`VILLAGE_ENDINGS`: ``英买力村委会`` = ``英买力村民委员会`` = ``英买力村`` = ``英买力``;
  ``解放路社区居委会`` = ``解放路社区`` = ``解放路``; ``嘎查`` for 村).
* **zones** (:func:`zone_key`): spaces removed, Chinese numbers as digits, a leading ``第``
  before a number and the ending (协作区, 协作片区, 片区, 协作组) dropped: ``第1协作区`` =
  ``第一协作区`` = ``第一片区``.

Near misses (:func:`near_reason`) are pairs of *different* keys that an office could have
typed for one person: the same name once a title word is removed from either end (when the
key rule above kept it), one name the first part of the other (the first part between
separators, or the start of an unseparated name of four or more characters).  Names one
character apart are not near: in transcribed names that is most often another name (买买提,
艾买提, 赛买提), and in Han names another person (王建国, 王建军); measured on generated
counties, a one-character rule refused every clean Xinjiang-style county, and so did refusing
names that sound alike (hence the transcription rule above makes them one person instead).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .cells import chinese_int, clean, has_cjk

__all__ = ["PersonName", "person_name", "person_key", "village_key", "zone_key", "near_reason",
           "NAME_SEPARATORS", "TITLE_WORDS", "DISTINCT_WORDS", "VILLAGE_ENDINGS", "ZONE_ENDINGS", "TITLE_PREFIXES",
           "TRANSCRIPTIONS", "SINGLE_VALUE_SEPARATORS", "one_edit_apart", "fold_traditional", "sound_key",
           "strip_titles_loosely"]

#: Marks offices type between the parts of a transcribed name (or between a name and a title).
NAME_SEPARATORS = "·•・･‧∙⋅．.﹒ᐧ⸱-‐‑‒–—―_＿－"
_SEP_RE = re.compile("[" + re.escape(NAME_SEPARATORS) + r"\s]+")
#: Characters that are marks inside a name however they were typed: any punctuation, symbol,
#: separator, format or combining character or modifier letter (``●``, ``ˑ``, ``’``, ``:``,
#: ``~`` ...) and
#: ``丶``; the brackets of a remark are taken out before (list marks are refused before, as two
#: values in a one-value cell).  A name holds letters; whatever else stands between its parts
#: separates them, so ``阿卜杜拉●艾买提`` is ``阿卜杜拉·艾买提``.
_EXTRA_MARKS = "丶ᆞㆍ"


@lru_cache(maxsize=4096)
def _is_name_mark(ch: str) -> bool:
    import unicodedata

    cat = unicodedata.category(ch)
    return ch in _EXTRA_MARKS or cat[0] in "PSZCM" or cat == "Lm"


def _split_name(text: str) -> list[str]:
    """The parts of a name: split at separator marks, spaces and any other mark (see above)."""
    if not text.isascii():
        text = "".join(" " if _is_name_mark(c) else c for c in text)
    return [t for t in _SEP_RE.split(text) if t]

#: Title and office words set aside at either end of a person's name: the words below, alone or
#: after a place or office word of :data:`TITLE_PREFIXES` (村会计, 原村支书, 社区主任 ...).
TITLE_WORDS = (
    "党支部书记", "党总支书记", "支部书记", "支书", "副书记", "书记", "村委会主任", "居委会主任", "监委会主任",
    "妇女主任", "治保主任", "副主任", "主任", "村委委员", "委员", "会计", "报账员", "出纳", "文书", "村民小组长",
    "小组长", "组长", "队长", "网格员", "村医", "校长", "所长", "站长", "局长", "科长", "股长", "镇长", "乡长",
    "副镇长", "副乡长", "嘎查长", "村干部", "干部", "党员", "村民", "居民", "群众", "同志", "老师", "医生", "经理",
    "法人", "负责人", "个体户", "老板", "先生", "女士", "村长", "副村长", "社长", "干事", "会长", "主席", "厂长",
    "院长", "处长", "部长", "理事", "教师", "护士", "司机", "代表", "阿訇", "毛拉", "哈吉", "大叔", "大姐", "大哥",
    "大爷", "大妈", "师傅",
)
#: Words that may stand before a title word: 村会计, 原村支书, 社区党支部书记.
TITLE_PREFIXES = ("原", "前", "现任", "村", "社区", "村委会", "居委会", "村党支部", "镇", "乡", "街道")
def _all_titles() -> tuple[str, ...]:
    words = set(TITLE_WORDS)
    for p in TITLE_PREFIXES:
        words |= {p + w for w in TITLE_WORDS}
        for q in TITLE_PREFIXES:
            if q != p and not q.startswith(p):
                words |= {p + q + w for w in TITLE_WORDS}
    return tuple(sorted(words, key=len, reverse=True))


_TITLES = _all_titles()
_TITLE_SET = frozenset(_TITLES)
_TITLE_MAX = max(map(len, _TITLES))


def _title_at(core: str, start: bool) -> str:
    """The longest title word at the start (or end) of ``core``, or ""."""
    for k in range(min(_TITLE_MAX, len(core) - 1), 1, -1):
        piece = core[:k] if start else core[-k:]
        if piece in _TITLE_SET:
            return piece
    return ""

#: Remark words that say "this is a different person" (``王伟（另一人）``).
DISTINCT_WORDS = ("另一人", "另一位", "另外一人", "另一个人", "非本人", "不是本人", "同名不同人", "同名", "不同人",
                  "另有其人", "非同一人", "不是同一人", "other person", "another person", "different person",
                  "not the same")

#: Administrative endings of villages and communities, dropped (longest first, repeatedly).
VILLAGE_ENDINGS = ("社区居民委员会", "村民委员会", "居民委员会", "社区居委会", "嘎查委员会", "村委会", "居委会",
                   "村委", "社区", "嘎查", "行政村", "村")
_VILLAGE_ENDINGS = tuple(sorted(set(VILLAGE_ENDINGS), key=len, reverse=True))

#: Endings of zone names, dropped.
ZONE_ENDINGS = ("纪检监察协作区", "协作片区", "协作区", "协作组", "片区")

#: Cells that hold one value (a person, a place, an id) may not hold these list separators.
SINGLE_VALUE_SEPARATORS = "、，,；;/／\n|｜"

_NON_WORD = re.compile(r"[\W_]+")
#: ASCII that needs the full reading: separators other than a space, brackets.
_ASCII_SPECIAL = re.compile(r"[.\-_()\[\]{}<>]")
_REMARK = re.compile(r"[(\[【〔《<{「『][^)\]】〕》>}」』]*(?:[)\]】〕》>}」』]|$)")

#: Traditional forms of characters common in place and office names (NFKC leaves them).
_TRADITIONAL = str.maketrans({
    "鄉": "乡", "鎮": "镇", "區": "区", "縣": "县", "會": "会", "員": "员", "務": "务", "衛": "卫", "莊": "庄",
    "東": "东", "灣": "湾", "橋": "桥", "溝": "沟", "陽": "阳", "華": "华", "興": "兴", "營": "营", "關": "关",
    "門": "门", "豐": "丰", "龍": "龙", "雲": "云", "嶺": "岭", "臺": "台", "園": "园", "廟": "庙", "閣": "阁",
    "溪": "溪", "裡": "里", "場": "场", "廠": "厂", "頭": "头", "馬": "马", "鳳": "凤", "劉": "刘", "張": "张",
    "陳": "陈", "楊": "杨", "趙": "赵", "黃": "黄", "吳": "吴", "孫": "孙", "鄭": "郑", "劉": "刘", "堯": "尧",
    "黨": "党", "書": "书", "記": "记", "長": "长", "農": "农", "寧": "宁", "開": "开", "遠": "远", "豊": "丰",
    "辦": "办", "處": "处", "政": "政", "實": "实", "灣": "湾", "塢": "坞", "壩": "坝", "鋪": "铺", "莊": "庄",
    # common in names
    "買": "买", "麥": "麦", "爾": "尔", "遜": "逊", "熱": "热", "麗": "丽", "蘇": "苏", "納": "纳", "薩": "萨",
    "紮": "扎", "紅": "红", "軍": "军", "偉": "伟", "強": "强", "國": "国", "閻": "阎", "顏": "颜", "謝": "谢",
    "韓": "韩", "馮": "冯", "鄧": "邓", "蕭": "萧", "葉": "叶", "許": "许", "蔣": "蒋", "傑": "杰", "濤": "涛",
    "鵬": "鹏", "飛": "飞", "輝": "辉", "寶": "宝", "貴": "贵", "榮": "荣", "慶": "庆", "義": "义", "禮": "礼",
    "曉": "晓", "嬌": "娇", "靜": "静", "蘭": "兰", "艷": "艳", "錢": "钱", "蓮": "莲", "瑪": "玛", "達": "达",
    "圖": "图", "樂": "乐", "蘊": "蕴", "維": "维", "麼": "么", "艱": "艰", "愛": "爱", "斯": "斯", "買": "买",
})

#: One name, several transcriptions: offices write a Uyghur, Kazakh, Tibetan or Mongolian name
#: with other characters for the same sounds.  The first spelling of each group stands for all.
TRANSCRIPTIONS = (
    ("买买提", "麦麦提", "玛木提", "买买体"), ("阿不都", "阿卜杜", "阿布都", "阿卜都", "阿布杜"),
    ("吐尔逊", "图尔荪", "吐尔孙", "图尔逊", "吐逊"), ("艾买提", "艾麦提", "艾合买提", "艾合麦提"),
    ("阿布力孜", "阿不力孜", "阿布力兹", "阿卜力孜"), ("依明", "伊明"), ("阿力木", "阿里木"),
    ("玉素甫", "尤素甫", "玉苏甫", "玉素普"), ("阿卜杜拉", "阿不都拉", "阿布都拉"), ("热合曼", "热依曼", "热合满"),
    ("买合木提", "麦合木提", "买合穆提"), ("肉孜", "肉兹", "柔孜"), ("卡德尔", "卡迪尔"), ("亚森", "亚生", "牙森"),
    ("阿西木", "阿希木"), ("库尔班", "库尔邦"), ("伊力哈木", "依力哈木"), ("托合提", "托乎提"), ("买吾兰", "麦吾兰"),
    ("阿迪力", "阿地力", "阿迪利"), ("吐拉克", "图拉克"), ("古丽", "姑丽"), ("迪丽努尔", "迪力努尔"),
    ("再努尔", "再努儿"), ("米热古丽", "米日古丽"), ("塔依尔", "塔伊尔"), ("依沙克", "伊沙克"), ("斯拉木", "司拉木"),
    ("约麦尔", "尤麦尔"), ("居来提", "居拉提"), ("尼亚孜", "尼牙孜"), ("赛买提", "赛麦提"), ("色买提", "色麦提"),
    ("吾买尔", "乌买尔", "吾麦尔"), ("阿卜来提", "阿不来提", "阿布来提"), ("开赛尔", "凯赛尔"),
    ("海热古丽", "海日古丽"), ("努尔古丽", "奴尔古丽"), ("阿孜古丽", "阿兹古丽"), ("买尔旦", "麦尔旦", "买尔丹", "麦尔丹"),
    ("吾斯曼", "乌斯曼"), ("次仁", "才让", "策仁"), ("扎西", "扎喜"), ("卓玛", "卓嘛"), ("其其格", "齐齐格"),
)
# every spelling (the first too) maps to the first, longest first, so that 阿卜杜拉 is read whole
# before the 阿卜杜 inside it
_TRANSCRIBE = sorted(((v, g[0]) for g in TRANSCRIPTIONS for v in g), key=lambda x: -len(x[0]))
_TRANSCRIBE_RE = re.compile("|".join(re.escape(v) for v, _ in _TRANSCRIBE))
_TRANSCRIBE_MAP = dict(_TRANSCRIBE)


def fold_traditional(text: str) -> str:
    """Common place and office characters in their simplified form (``柳河鎮`` -> ``柳河镇``)."""
    return text.translate(_TRADITIONAL)


@dataclass(frozen=True)
class PersonName:
    """A person's name as typed, taken apart: the identity ``key`` and what was set aside."""

    text: str  # the cleaned cell
    key: str  # the identity key ("" for a blank cell)
    base: str  # the key without a distinct-person remark
    remark: str = ""  # bracketed remarks set aside
    title: str = ""  # a title or office word set aside
    distinct: bool = False  # a remark says "a different person"
    dotted: bool = False  # the name is written with a separator mark
    parts: tuple[str, ...] = ()  # the name's parts between separators (case folded)

    @property
    def sound(self) -> str:
        """The key with each name written in its first transcription (:data:`TRANSCRIPTIONS`),
        for names of four characters or more; "" for shorter names (Han names: 王伟 / 王玮 are
        two people) and for a person marked as someone else (worked out once per name)."""
        memo = self.__dict__
        if "_sound" not in memo:
            memo["_sound"] = self._sound()
        return memo["_sound"]

    def _sound(self) -> str:
        b = self.base
        return sound_key(b) if len(b) >= 4 and not self.distinct and has_cjk(b) else ""

    @property
    def plain(self) -> bool:
        """Written without remark or title: the name alone."""
        return not self.remark and not self.title


def _strip_titles(tokens: list[str]) -> tuple[str, str]:
    """The name without title words at either end, and the titles removed."""
    removed: list[str] = []
    # titles written apart: whole tokens at either end
    while len(tokens) > 1 and tokens[0] in _TITLE_SET:
        removed.append(tokens.pop(0))
    while len(tokens) > 1 and tokens[-1] in _TITLE_SET:
        removed.append(tokens.pop())
    core = "".join(tokens)
    # a title glued to a name of several parts leaves at least two characters of its part
    # (村支书吐尔逊·买买提 -> 吐尔逊·买买提, but 阿卡尔·买买提 keeps 阿卡尔: 尔 is no name)
    edge = {True: len(tokens[0]), False: len(tokens[-1])} if len(tokens) > 1 else None
    while has_cjk(core):
        for start in (True, False):
            t = _title_at(core, start)
            rest = len(core) - len(t)
            if t and rest >= 2 and (len(t) >= 3 or rest >= 3) and (edge is None or edge[start] - len(t) >= 2):
                core = core[len(t):] if start else core[:-len(t)]
                if edge is not None:
                    edge[start] -= len(t)
                removed.append(t)
                break
        else:
            break
    return core, "、".join(removed)


@lru_cache(maxsize=1 << 16)
def person_name(value: str) -> PersonName:
    """Take a person's cell apart into its identity key and what was set aside (see module doc)."""
    text = clean(value)
    if not text:
        return PersonName("", "", "")
    if text.isascii() and not _ASCII_SPECIAL.search(text):  # an id or a Latin name: no titles, no remarks
        tokens = text.split(" ")
        base = "".join(tokens).casefold()
        return PersonName(text, base, base, dotted=False, parts=tuple(t.casefold() for t in tokens))
    remarks = [m.group(0) for m in _REMARK.finditer(text)]
    bare = fold_traditional(_REMARK.sub(" ", text))
    remark = "".join(r.strip("()[]【】〔〕《》<>{}「」『』 ") for r in remarks)
    tokens = _split_name(bare)
    dotted = len(tokens) > 1 and bool(re.search("[" + re.escape(NAME_SEPARATORS) + "]", bare.strip())
                                      or any(_is_name_mark(c) for c in bare.strip() if not c.isspace()))
    if not tokens:  # the whole cell is a remark: keep it as the name
        tokens, remark, remarks = _split_name(text), "", []
    core, title = _strip_titles(list(tokens))
    base = core.casefold()
    parts = tuple(p.casefold() for p in tokens if p not in title.split("、")) or (base,)
    if "".join(parts) != base:
        parts = (base,)
    low = remark.casefold()
    distinct = any(w in low for w in DISTINCT_WORDS)
    key = base + "~" + _NON_WORD.sub("", low) if distinct else base
    return PersonName(text, key, base, remark, title, distinct, dotted, parts)


def person_key(value: str) -> str:
    """The identity key of a person's cell (``阿卜杜拉•艾买提`` -> ``阿卜杜拉艾买提``)."""
    return person_name(value).key


def strip_titles_loosely(core: str) -> str:
    """The name without any title word at either end, keeping at least one character."""
    while True:
        t = _title_at(core, True)
        if t:
            core = core[len(t):]
            continue
        t = _title_at(core, False)
        if t:
            core = core[:-len(t)]
            continue
        return core


def one_edit_apart(a: str, b: str) -> bool:
    """True when one substitution, insertion or deletion turns ``a`` into ``b`` (a != b)."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b)) == 1
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    return a[i:] == b[i + 1:]


def sound_key(key: str) -> str:
    """The key with every transcription of :data:`TRANSCRIPTIONS` written the first way
    (``阿卜杜麦麦提`` -> ``阿不都买买提``), repeated until nothing changes, so that a name mixing
    two groups' spellings (``阿布杜拉``: 阿布杜 for 阿不都, inside 阿不都拉 for 阿卜杜拉) reads as
    the name."""
    for _ in range(4):
        new = _TRANSCRIBE_RE.sub(lambda m: _TRANSCRIBE_MAP[m.group(0)], key)
        if new == key:
            break
        key = new
    return key


#: Common Han surnames (single characters), for telling a Han-style name: one without
#: separators, of two or three characters (four after a compound surname), whose first
#: character is one of these.  Characters that also open Uyghur, Kazakh or Mongolian
#: transcriptions (阿, 艾, 巴, 哈, 伊, 米, 乌, 沙, 玉 ...) are left out on purpose.
HAN_SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔"
    "钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛"
    "邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝"
    "路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟尤阳时穆农司卓吉缪简车项连芦褚娄窦戚岑景党宫费卜冷晏席卫柏宗瞿桂全佟应臧"
    "闵苟邬边卞姬师和仇栾隋商刁荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝官封谈匡鞠惠荆乐冀郁胥南班储原栗燕楚鄢劳谌奚"
    "皮粟冼蔺楼盘满闻位厉仝区郜海阚花权强帅屠豆朴盖练廉禹井祖漆丰支卿国狄平计索宣晋相初门云容敬来扈晁芮都普阙浦戈"
    "伏鹿薄邸雍辜羊母裘亓修邰赫杭况宿鲜印逯隆茹诸战慕危银亢嵇公湛宾戎勾茅利於呼居揭干但尉冶元束檀衣信展阴昝智幸奉"
    "植衡富尧闭由")
#: Two-character surnames: a name starting with one may have four characters.
COMPOUND_SURNAMES = ("欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐", "长孙", "宇文",
                     "司徒", "夏侯", "轩辕", "端木", "申屠", "独孤", "南宫", "闻人", "钟离", "司空", "澹台", "公冶")
#: Words said before a name (小王, 老张, 阿萍): the person, addressed familiarly.
FAMILIAR_PREFIXES = ("小", "老", "阿", "阿吉", "哈吉", "毛拉", "阿訇", "阿洪")
#: Words said after a name to address its bearer (吐尔逊阿卡, 吐尔逊阿吉: elder brother, hajji).
ADDRESS_SUFFIXES = ("阿吉", "哈吉", "阿卡", "阿恰", "阿洪", "阿訇", "大叔", "大哥", "大姐", "大爷", "大妈")
#: Characters that end no personal name but a phrase about one (马萍等, 马萍之妻, 马萍家).
NOT_NAME_ENDINGS = frozenset("等们氏家妻夫儿女子哥姐弟妹父母爷奶叔姨舅婶嫂媳婿孙侄人属")


def han_style(name: str) -> bool:
    """A Han personal name as offices write it (see :data:`HAN_SURNAMES`)."""
    if not name or not has_cjk(name):
        return False
    if name.startswith(COMPOUND_SURNAMES):
        return 3 <= len(name) <= 4
    return 2 <= len(name) <= 3 and name[0] in HAN_SURNAMES


def _contained(short: str, long_: str) -> bool:
    """``long_`` holds the whole of the Han-style name ``short`` and more, and is not itself an
    ordinary Han name beside it: 马萍村长, 马萍同志, 小马萍, 马萍等, 马萍之妻, 村里的马萍 are near
    马萍; 马萍东 (a given name one character longer) and 张马萍 (another surname before it) are
    different people, as ordinary as 王建国 / 王建军."""
    i = long_.find(short)
    if i < 0 or long_ == short or not han_style(short):
        return False
    pre, suf = long_[:i], long_[i + len(short):]
    if pre and suf:
        return True
    if pre:
        return pre in FAMILIAR_PREFIXES or len(pre) > 1 or not han_style(long_)
    return len(suf) > 1 or suf[-1] in NOT_NAME_ENDINGS or not han_style(long_)


def _about(short: str, long_: str) -> bool:
    """``long_`` is the name ``short`` addressed (老, 小, 阿吉, 毛拉 before it; 阿卡, 阿吉, 大叔
    after it) or a phrase about its bearer (等, 之妻, 的哥哥 after it).  Transcribed given names hold one another
    (阿不都热合曼 / 热合曼), so nothing else around a name of several parts makes it near."""
    i = long_.find(short)
    if i < 0 or long_ == short:
        return False
    pre, suf = long_[:i], long_[i + len(short):]
    return (pre in FAMILIAR_PREFIXES and not suf) or (not pre and bool(suf) and (suf[-1] in NOT_NAME_ENDINGS
                                                                              or suf in ADDRESS_SUFFIXES))


def near_reason(a: PersonName, b: PersonName) -> str | None:
    """Why two different person keys look like one person typed two ways, or ``None``.

    Reasons: ``title`` (the same name once a title or office word is removed from an end),
    ``contained`` (the whole of a Han-style name inside a longer text that is no ordinary
    name beside it, :func:`_contained`: ``马萍村长``, ``小马萍``, ``马萍之妻``),
    ``part`` (one name is the first part of the other: the first part or parts between
    separators, ``吐尔逊`` / ``吐尔逊·买买提`` -- a person is called by their own name, the second
    part is the father's; or, for names written without separators, the start of a name of
    four or more characters, ``扎西`` / ``扎西次仁``).  Names that sound the same are not near
    but one person (:attr:`PersonName.sound`).  Names one character apart are *not* near: ``买买提`` / ``艾买提`` /
    ``赛买提`` are different names, as ``王建国`` / ``王建军`` are different people.  Only
    names in Chinese characters are compared; a remark that declares a different person is
    never near.
    """
    x, y = a.base, b.base
    if x == y or not x or not y or a.distinct or b.distinct or not (has_cjk(x) and has_cjk(y)):
        return None
    if strip_titles_loosely(x) == strip_titles_loosely(y):
        return "title"
    short, long_ = (a, b) if len(x) <= len(y) else (b, a)
    if len(short.parts) <= 1 and _contained(short.base, long_.base):
        return "contained"
    if len(short.parts) > 1 and _about(short.base, long_.base):
        return "contained"  # a whole name of several parts addressed or spoken of: 老吐尔逊·买买提, 吐尔逊·买买提之妻
    if len(long_.parts) > 1:
        if len(short.base) >= 2 and len(short.parts) < len(long_.parts) and _leading_run(short.base, long_.parts):
            return "part"
    elif len(short.parts) <= 1 and len(short.base) >= 2 and len(long_.base) >= 4 and long_.base.startswith(short.base):
        return "part"
    return None


def _leading_run(text: str, parts: tuple[str, ...]) -> bool:
    """``text`` is the first part, or the first parts joined, of ``parts`` (a person is called
    by their own name, the first part; the second is the father's)."""
    acc = ""
    for p in parts:
        acc += p
        if acc == text:
            return True
        if len(acc) >= len(text):
            return False
    return False


def village_key(value: str) -> str:
    """The identity key of a village or community (``英买力村委会`` -> ``英买力``)."""
    if value.isascii() and "(" not in value and "[" not in value:  # an id or a Latin name: no endings
        return value.replace(" ", "").casefold()
    s = fold_traditional(_REMARK.sub("", clean(value))).replace(" ", "").casefold()
    changed = True
    while changed:
        changed = False
        for e in _VILLAGE_ENDINGS:
            if s.endswith(e) and len(s) > len(e):
                s, changed = s[: -len(e)], True
                break
    return s


_CN_NUM_RUN = re.compile(r"[零〇一二两三四五六七八九十百]+")


def zone_key(value: str) -> str:
    """The identity key of a zone name (``第一协作区`` -> ``1``, ``城区协作区`` -> ``城区``)."""
    s = fold_traditional(clean(value)).replace(" ", "").casefold()

    def digits(m: re.Match) -> str:
        n = chinese_int(m.group(0))
        return str(n) if n is not None else m.group(0)

    s = _CN_NUM_RUN.sub(digits, s)
    for e in ZONE_ENDINGS:
        if s.endswith(e) and len(s) > len(e):
            s = s[: -len(e)]
            break
    if s.startswith("第") and len(s) > 1 and s[1].isdigit():
        s = s[1:]
    return s
