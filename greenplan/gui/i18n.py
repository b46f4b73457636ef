"""Interface language: Chinese by default, English switchable at run time.

Source strings in the code are English (``self.tr(...)``, ``QCoreApplication.translate``);
``resources/translations/greenplan_zh_CN.ts`` holds the Chinese, compiled to the ``.qm``
loaded here. Switching language installs or removes the translators; Qt then sends every
widget a ``LanguageChange`` event and each widget re-sets its texts (``retranslate``).
Texts that come from the core in both languages (role names, indicator names, error
messages) are picked with :func:`current_language`.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from greenplan.core.resources import resource_path

LANGUAGES = ("zh", "en")
QM_NAME = "greenplan_zh_CN"

_state: dict[str, object] = {"lang": "zh", "translators": []}


def qm_path():
    """The compiled Chinese translation shipped in ``resources/translations``."""
    return resource_path("translations", QM_NAME + ".qm")


def current_language() -> str:
    """``"zh"`` or ``"en"``: the language of the interface now."""
    return str(_state["lang"])


def install_language(lang: str) -> bool:
    """Switch the running application to ``lang`` (``zh`` or ``en``).

    Returns False when the Chinese translation file is missing (the English source
    strings are then shown, and the language stays ``en``).
    """
    app = QCoreApplication.instance()
    lang = lang if lang in LANGUAGES else "zh"
    for tr in list(_state["translators"]):  # type: ignore[union-attr]
        if app is not None:
            app.removeTranslator(tr)
    _state["translators"] = []
    ok = True
    if lang == "zh":
        own = QTranslator(app)
        ok = own.load(str(qm_path()))
        if ok:
            qt = QTranslator(app)  # Qt's own dialogs and buttons (OK, Cancel, file dialogs)
            if qt.load(QLocale(QLocale.Language.Chinese, QLocale.Country.China), "qtbase", "_",
                       QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
                app.installTranslator(qt)
                _state["translators"].append(qt)  # type: ignore[union-attr]
            app.installTranslator(own)
            _state["translators"].append(own)  # type: ignore[union-attr]
        else:
            lang = "en"
    _state["lang"] = lang
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China) if lang == "zh"
                       else QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
    return ok


def translate(context: str, text: str) -> str:
    """``QCoreApplication.translate`` (for strings declared with ``QT_TRANSLATE_NOOP``)."""
    return QCoreApplication.translate(context, text)


def pick(zh: str, en: str) -> str:
    """The text for the current language, for data the core gives in both languages."""
    return zh if current_language() == "zh" else en
