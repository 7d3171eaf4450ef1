"""The vague-word rules for maps written in Turkish (`locale: tr` or `tr_TR`; docs/maps.md).

Turkish puts the verb last ("Bütçeyi ekonomik alıcıyla doğrula"), so an instruction is a
text that ENDS with what the rep does: the plain imperative (`gönder`), the polite one
(`gönderin`, `gönderiniz`) or the infinitive of a checklist (`göndermek`). A result
("Bütçe onaylandı", "Bütçenin onaylanması") is a state, not a step; the hint names the verb
it hides. A heuristic, like the English rules, not a grammar.

Lower-casing goes through `lower_tr`: Python's str.lower() turns `I` into `i` (Turkish
says `ı`) and `İ` into `i` plus a combining dot, so "İMZALA" would not match "imzala".
"""

from __future__ import annotations

import re

from flows.i18n import _
from flows.problems import Vagueness

MIN_WORDS = 2  # no articles: "Teklifi gönder" is a whole instruction in two words

# Imperative stems of sales, marketing, delivery and support work. Light verbs (`et`, `al`,
# `ver`, `yap`) stand for their compounds: "takip et", "onay al", "bilgi ver".
ACTION_STEMS = frozenset(
    """
    aktar al anlat anlaş ara araştır arşivle ata ayarla ayır aç açıkla ağırla bağla başlat bekle
    belgele belirle belirt bildir bitir bul böl bırak danış dağıt dene denetle derle devret
    değerlendir değiştir dinle doldur doğrula dök dön dönüştür düzelt düzenle düşür ekle et
    ettir eğit eşle geliştir gerçekleştir getir geç geçir gir gönder görüş göster gözle gözlemle
    güncelle hatırlat hazırla hazırlat hedefle hesapla ilerle ilerlet ilet imzala incele indir
    iste izle işle kaldır kapat karşıla karşılaştır katıl kaydet kazan kes keşfet konuş koru koy
    kur kutla listele netleştir oku oluştur onayla paylaş planla puanla raporla sakla say sağla
    seç sor sorgula sun söyle sıfırla sınıflandır sırala tamamla tanımla tanıt tanış tanıştır
    tartış tasarla topla tut ulaş uyar uygula ver yanıtla yap yaptır yapılandır yayınla yaz
    yenile yönet yönlendir yükle yürüt zamanla çalıştır çağır çek çöz çıkar ödüllendir ölç
    önceliklendir öner özetle öğren
    """.split()
)

# Endings that make a verb of a noun, almost only verbs have them: planla, belgele,
# netleştir, değerlendir.
VERB_ENDINGS = ("la", "le", "laştır", "leştir", "landır", "lendir")

# Polite imperative and infinitive endings, longest first; the y joins them to a vowel.
_INFLECTIONS = tuple(
    sorted(
        """
        yınız yiniz yunuz yünüz ınız iniz unuz ünüz yın yin yun yün ın in un ün mak mek
        """.split(),
        key=len,
        reverse=True,
    )
)

# What a result or a nominalised step ends with: past, passive, "-ması" (onaylanması).
_STATE_ENDINGS = tuple(
    sorted(
        """
        ılması ilmesi ulması ülmesi nması nmesi ması mesi ıldı ildi uldu üldü ndı ndi ndu ndü
        dı di du dü tı ti tu tü ılmış ilmiş ulmuş ülmüş nmış nmiş nmuş nmüş mış miş muş müş
        """.split(),
        key=len,
        reverse=True,
    )
)

VAGUE_WORDS = frozenset(
    """
    belki muhtemelen galiba herhalde vs vb vesaire falan filan çeşitli muhtelif birtakım
    gibi mümkünse gerekirse gerektiğinde icabında uygunsa olabildiğince belirlenecek tbd
    """.split()
)
# Nouns that stay vague with any case ending: "şeyleri", "şeylerle".
VAGUE_STEMS = ("şey",)
_CASE_ENDINGS = frozenset(
    "ı i u ü yı yi yu yü ler lar leri ları lere lara le la yle yla de da den dan e a ye ya".split()
)

# "uygun" alone is precise ("ideal müşteri profiline uygun": it fits); these uses are not.
VAGUE_PHRASES = (
    "bir şekilde",
    "bir ara",
    "duruma göre",
    "uygun şekilde",
    "uygun olduğunda",
    "uygun görülürse",
    "uygun görüldüğünde",
    "mümkün olduğunca",
    "mümkün olursa",
    "mümkün olduğunda",
    "ihtiyaç halinde",
    "ihtiyaç olursa",
    "ihtiyaç duyulursa",
    "gerek olursa",
    "ve benzeri",
    "ve saire",
    "veya benzeri",
    "ya da benzeri",
)
_TRY_TO = re.compile(r"\b\w+(?:maya|meye|mağa|meğe)\s+çalış", re.UNICODE)  # "göndermeye çalış"

_WORD = re.compile(r"[^\W\d_][^\W\d_'’-]*", re.UNICODE)
_TRAILING_ASIDE = re.compile(r"\s*\([^()]*\)\s*[.!]?\s*$")  # "... gönder (yol haritası)"
_PUNCTUATION = "\"'“”‘’()[]{}:;,.!?*_…"


def is_turkish(locale: str) -> bool:
    """True for a Turkish map's locale: `tr`, `tr_TR`, `TR`."""
    return locale.partition("_")[0].lower() == "tr"


def lower_tr(text: str) -> str:
    """`text` in lower case by Turkish rules: `I` → `ı`, `İ` → `i`."""
    return text.replace("I", "ı").replace("İ", "i").lower()


def vagueness(text: str) -> Vagueness | None:
    """Why a Turkish `text` is not a specific, actionable step; None when it is one."""
    lowered = " ".join(lower_tr(word) for word in _WORD.findall(text))
    vague = _vague_words(lowered.split())
    vague += [phrase for phrase in VAGUE_PHRASES if f" {phrase} " in f" {lowered} "]
    vague += [found.group(0) for found in _TRY_TO.finditer(lowered)]
    if vague:
        return Vagueness(
            _("vague wording: {words}").format(words=", ".join(repr(word) for word in vague)),
            _("say exactly what is done and when it counts as done"),
        )
    words = _TRAILING_ASIDE.sub("", text).split()
    if len(words) < MIN_WORDS:
        return Vagueness(
            _("too short to act on ({count} words)").format(count=len(words)),
            _("say who does what, e.g. 'Bütçeyi ekonomik alıcıyla doğrula'"),
        )
    return _not_an_instruction(words[-1].strip(_PUNCTUATION), words=words)


def is_action_verb(word: str) -> bool:
    """True for an imperative or infinitive of a verb from the list, or a word shaped like one."""
    word = lower_tr(word.strip("'’-"))
    return any(_is_stem(stem) for stem in _stems(word))


def _vague_words(words: list[str]) -> list[str]:
    found = {word for word in words if word in VAGUE_WORDS}
    found |= {
        word
        for word in words
        for stem in VAGUE_STEMS
        if word == stem or (word.startswith(stem) and word[len(stem) :] in _CASE_ENDINGS)
    }
    return sorted(found)


def _stems(word: str) -> list[str]:
    """`word` and what it is with a polite or infinitive ending taken off (edin → ed, et)."""
    found = [word]
    for ending in _INFLECTIONS:
        rest = word.removesuffix(ending)
        if rest != word and len(rest) >= 2:
            found += [rest, rest[:-1] + "t"] if rest.endswith("d") else [rest]
    return found


def _is_stem(stem: str) -> bool:
    if stem in ACTION_STEMS:
        return True
    # "alıcıyla", "müşteriyle": the ending of "ile" (with), not of a verb.
    return len(stem) > 5 and stem.endswith(VERB_ENDINGS) and not stem.endswith(("yla", "yle"))


def _not_an_instruction(last: str, *, words: list[str]) -> Vagueness | None:
    if is_action_verb(last):
        return None
    # "Bütçe onaylandı" states a result; the verb it hides makes the instruction.
    found = (_base_form(lower_tr(word.strip(_PUNCTUATION))) for word in reversed(words))
    base = next((stem for stem in found if stem), None)
    hint = (
        _("write it as an instruction that ends with the verb: '... {verb}'").format(verb=base)
        if base
        else _("end with what the rep does, e.g. '... doğrula', '... gönder', '... planla'")
    )
    return Vagueness(_("does not end with an action verb ('{word}')").format(word=last), hint)


def _base_form(word: str) -> str | None:
    """'onaylandı' → 'onayla', 'gönderilmesi' → 'gönder', 'kaydedildi' → 'kaydet'."""
    for ending in _STATE_ENDINGS:
        rest = word.removesuffix(ending)
        if rest == word or len(rest) < 2:
            continue
        for stem in (rest, rest[:-1] + "t" if rest.endswith("d") else rest):
            if _is_stem(stem):
                return stem
    return None
