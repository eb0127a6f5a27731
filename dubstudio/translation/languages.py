"""Language codes. DubStudio speaks ISO 639-1 ('en', 'es'); backends name languages their own way:
Apertium modes mix ISO 639-1 and 639-3 ('eng-spa', 'es-fr'), Opus-MT target tokens use either
('>>spa<<', '>>es<<'), NLLB uses FLORES-200 codes ('spa_Latn').
"""

# code: (English name, ISO 639-3, FLORES-200 code as NLLB spells it)
LANGUAGES: dict[str, tuple[str, str, str]] = {
    "ar": ("Arabic", "ara", "arb_Arab"),
    "bg": ("Bulgarian", "bul", "bul_Cyrl"),
    "ca": ("Catalan", "cat", "cat_Latn"),
    "cs": ("Czech", "ces", "ces_Latn"),
    "da": ("Danish", "dan", "dan_Latn"),
    "de": ("German", "deu", "deu_Latn"),
    "el": ("Greek", "ell", "ell_Grek"),
    "en": ("English", "eng", "eng_Latn"),
    "eo": ("Esperanto", "epo", "epo_Latn"),
    "es": ("Spanish", "spa", "spa_Latn"),
    "eu": ("Basque", "eus", "eus_Latn"),
    "fi": ("Finnish", "fin", "fin_Latn"),
    "fr": ("French", "fra", "fra_Latn"),
    "gl": ("Galician", "glg", "glg_Latn"),
    "he": ("Hebrew", "heb", "heb_Hebr"),
    "hi": ("Hindi", "hin", "hin_Deva"),
    "hr": ("Croatian", "hrv", "hrv_Latn"),
    "hu": ("Hungarian", "hun", "hun_Latn"),
    "id": ("Indonesian", "ind", "ind_Latn"),
    "is": ("Icelandic", "isl", "isl_Latn"),
    "it": ("Italian", "ita", "ita_Latn"),
    "ja": ("Japanese", "jpn", "jpn_Jpan"),
    "ko": ("Korean", "kor", "kor_Hang"),
    "mk": ("Macedonian", "mkd", "mkd_Cyrl"),
    "nl": ("Dutch", "nld", "nld_Latn"),
    "no": ("Norwegian", "nob", "nob_Latn"),
    "pl": ("Polish", "pol", "pol_Latn"),
    "pt": ("Portuguese", "por", "por_Latn"),
    "ro": ("Romanian", "ron", "ron_Latn"),
    "ru": ("Russian", "rus", "rus_Cyrl"),
    "sv": ("Swedish", "swe", "swe_Latn"),
    "tr": ("Turkish", "tur", "tur_Latn"),
    "uk": ("Ukrainian", "ukr", "ukr_Cyrl"),
    "vi": ("Vietnamese", "vie", "vie_Latn"),
    "zh": ("Chinese", "zho", "zho_Hans"),
}

_BY_ALIAS = {alias.lower(): code for code, (_, iso3, flores) in LANGUAGES.items()
             for alias in (code, iso3, flores)}
# ISO 639-2/B codes some older model folders still use
_BY_ALIAS.update({"fre": "fr", "ger": "de", "dut": "nl", "chi": "zh", "gre": "el", "rum": "ro", "ice": "is",
                  "baq": "eu", "mac": "mk", "nor": "no", "nb": "no"})


def normalize(name: str) -> str | None:
    """DubStudio's code for a backend's language name ('spa', 'es', 'spa_Latn', 'pt_BR'), or None."""
    name = name.strip().lower()
    if name in _BY_ALIAS:
        return _BY_ALIAS[name]
    # a regional variant ('pt_BR', 'en-US') of a language we know
    base = name.replace("-", "_").split("_")[0]
    return _BY_ALIAS.get(base) if base != name else None


def flores(code: str) -> str:
    """The FLORES-200 code NLLB wants for a DubStudio code."""
    return LANGUAGES[code][2]
