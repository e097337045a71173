"""The one place that relies on how Material and its search plugin are built inside.

The hooks use MkDocs' documented plugin API (config, page, nav, files) directly.  A few
things the site needs have no API, and reach into another plugin's or the theme's insides:

- handing the search plugin the glossary's jieba user dictionary (its ``jieba_dict_user``
  option, set before it reads it);
- adding search synonyms to the entries the search plugin has just made for a page (its
  ``search_index.entries``);
- naming Material's search dialog (its markup).

Each function here checks that the shape it relies on is still there, and otherwise fails the
build with ``InternalsChanged``, which names what changed, where, and which code to update:
an upgrade of Material then stops the build instead of quietly losing the feature.  The event
priorities the glossary hook uses to run before or after the search plugin live here too.
"""

from __future__ import annotations

from collections.abc import Mapping

from mkdocs.exceptions import PluginError

# The search plugin under the theme: ``search`` in mkdocs.yml is Material's own with this name.
SEARCH_PLUGIN = "material/search"
SEARCH_PLUGIN_MODULE = "material.plugins.search"
# The search plugin's events run at the default priority, 0: higher runs before, lower after.
BEFORE_SEARCH_READS_CONFIG = 100  # on_config: it loads jieba_dict_user in its own on_config
BEFORE_SEARCH_INDEXES = 50  # on_page_context: it indexes page.content in its on_page_context
AFTER_SEARCH_INDEXES = -50
# Material's search overlay (partials/search.html), a dialog without a name.
SEARCH_DIALOG = '<div class="md-search" data-md-component="search" role="dialog">'


class InternalsChanged(PluginError):
    """Material or its search plugin is not built the way hooks/mkdocs_internals.py expects."""

    def __init__(self, what: str, where: str):
        super().__init__(
            f"{what} ({where}). Material or its search plugin changed inside: update "
            "hooks/mkdocs_internals.py to the new shape, or the site loses this feature."
        )


def search_plugin(plugins: Mapping[str, object]) -> object | None:
    """Material's search plugin, checked; None when the site has no search (a test site)."""
    if SEARCH_PLUGIN not in plugins:
        if "search" in plugins:
            raise InternalsChanged(
                "the 'search' plugin is not Material's: expected it registered as "
                f"{SEARCH_PLUGIN!r}, found plugins {sorted(plugins)}",
                "mkdocs.yml plugins",
            )
        return None
    plugin = plugins[SEARCH_PLUGIN]
    module = type(plugin).__module__
    if not module.startswith(SEARCH_PLUGIN_MODULE):
        raise InternalsChanged(
            f"{SEARCH_PLUGIN!r} is {module}.{type(plugin).__name__}, not Material's search plugin",
            f"config.plugins[{SEARCH_PLUGIN!r}]",
        )
    options = getattr(plugin, "config", None)
    if not isinstance(options, Mapping) or "jieba_dict_user" not in options:
        raise InternalsChanged(
            "the search plugin has no 'jieba_dict_user' option",
            f"config.plugins[{SEARCH_PLUGIN!r}].config",
        )
    return plugin


def is_enabled(plugin: object) -> bool:
    return bool(plugin.config.get("enabled", True))  # type: ignore[attr-defined]


def use_jieba_user_dictionary(plugins: Mapping[str, object], path: str) -> None:
    """Hands search the dictionary, unless mkdocs.yml names one itself.  Call it from an
    on_config at BEFORE_SEARCH_READS_CONFIG."""
    plugin = search_plugin(plugins)
    if plugin is not None and not plugin.config["jieba_dict_user"]:  # type: ignore[attr-defined]
        plugin.config["jieba_dict_user"] = path  # type: ignore[attr-defined]


def add_search_text(plugins: Mapping[str, object], page_url: str, anchor: str, text: str) -> None:
    """Appends ``text`` to the search entry of the page's section ``#anchor`` (or, without
    one, of its first section: the h1 is indexed without an anchor).  Call it from an
    on_page_context at AFTER_SEARCH_INDEXES; nothing to do when the site has no search."""
    plugin = search_plugin(plugins)
    if plugin is None or not is_enabled(plugin):
        return
    sections = _page_sections(plugin, page_url)
    section = next(
        (entry for entry in sections if entry["location"] == f"{page_url}#{anchor}"),
        sections[0] if sections else None,
    )
    if section is not None:
        section["text"] += text


def _page_sections(plugin: object, page_url: str) -> list[dict]:
    """The search entries the plugin has made for one page, in page order."""
    where = f"config.plugins[{SEARCH_PLUGIN!r}].search_index.entries"
    entries = getattr(getattr(plugin, "search_index", None), "entries", None)
    if not isinstance(entries, list):
        raise InternalsChanged("the search plugin keeps no list of index entries", where)
    mine = []
    for entry in entries:
        if not (
            isinstance(entry, dict)
            and isinstance(entry.get("location"), str)
            and isinstance(entry.get("text"), str)
        ):
            raise InternalsChanged(
                f"a search entry is not a dict with 'location' and 'text' strings: {entry!r:.120}",
                where,
            )
        if entry["location"].split("#")[0] == page_url:
            mine.append(entry)
    return mine


def name_search_dialog(html: str, label: str, page: str) -> str:
    """The page with Material's search dialog named ``label`` for screen readers."""
    if SEARCH_DIALOG not in html:
        raise InternalsChanged(
            f"{page}: Material's search dialog markup is not {SEARCH_DIALOG!r}",
            "partials/search.html of the theme",
        )
    named = SEARCH_DIALOG.replace('role="dialog"', f'role="dialog" aria-label="{label}"')
    return html.replace(SEARCH_DIALOG, named)
