"""hooks/mkdocs_internals.py: the one place that reaches into Material and its search plugin.

With the shapes it expects, it does its job; with any other, it stops the build with a
message that names what changed and where, instead of letting the site quietly lose a feature.
"""

from __future__ import annotations

from functools import cache
from types import SimpleNamespace

import pytest
from material.plugins.search.plugin import SearchIndex
from mkdocs.config import load_config
from mkdocs.contrib.search import SearchPlugin as MkDocsSearchPlugin
from mkdocs.exceptions import PluginError

from tests.sites import ROOT, load_hook

internals = load_hook("mkdocs_internals")


@cache
def _site_plugins():
    return load_config(str(ROOT / "mkdocs.yml")).plugins


def indexed_search(entries: list) -> dict:
    """The site's own search plugin, as it stands after indexing a page."""
    plugins = load_config(str(ROOT / "mkdocs.yml")).plugins
    plugins[internals.SEARCH_PLUGIN].search_index = SearchIndex()
    plugins[internals.SEARCH_PLUGIN].search_index.entries.extend(entries)
    return plugins


# --- the shapes the site has today ------------------------------------------------------


def test_the_site_search_plugin_takes_the_jieba_dictionary():
    plugins = load_config(str(ROOT / "mkdocs.yml")).plugins
    internals.use_jieba_user_dictionary(plugins, "/tmp/words.txt")
    assert plugins[internals.SEARCH_PLUGIN].config["jieba_dict_user"] == "/tmp/words.txt"


def test_search_text_goes_to_the_section_or_else_to_the_page_s_first():
    entries = [
        {"location": "nn/", "title": "神经网络", "text": "a"},
        {"location": "nn/#layer", "title": "层", "text": "b"},
        {"location": "cnn/", "title": "卷积", "text": "c"},
    ]
    plugins = indexed_search(entries)
    internals.add_search_text(plugins, "nn/", "layer", "+层")
    internals.add_search_text(plugins, "nn/", "no-such-heading", "+页")
    assert [entry["text"] for entry in entries] == ["a+页", "b+层", "c"]


def test_material_s_search_dialog_gets_its_name():
    page = f"<body>{internals.SEARCH_DIALOG}</div></body>"
    named = internals.name_search_dialog(page, "搜索", "index.md")
    assert 'role="dialog" aria-label="搜索"' in named


def test_a_site_without_search_is_left_alone():
    internals.use_jieba_user_dictionary({}, "/tmp/words.txt")
    internals.add_search_text({}, "nn/", "layer", "+层")


# --- shapes it does not know: the build stops and says what changed --------------------


def _fails(call, *words: str) -> str:
    with pytest.raises(internals.InternalsChanged) as raised:
        call()
    message = str(raised.value)
    assert isinstance(raised.value, PluginError)  # MkDocs reports it and aborts the build
    assert "hooks/mkdocs_internals.py" in message, message
    for word in words:
        assert word in message, message
    return message


def test_another_search_plugin_under_the_search_name_fails_loudly():
    plugins = {"search": MkDocsSearchPlugin()}  # MkDocs' own: no jieba, no Material
    _fails(
        lambda: internals.use_jieba_user_dictionary(plugins, "/tmp/w.txt"),
        "'search' plugin is not Material's",
        "mkdocs.yml plugins",
    )


def test_a_search_plugin_without_the_jieba_option_fails_loudly():
    plugin = _site_plugins()[internals.SEARCH_PLUGIN]
    stripped = type(plugin)()  # Material's class, but with an options object of another shape
    stripped.config = {"enabled": True}
    _fails(
        lambda: internals.use_jieba_user_dictionary({internals.SEARCH_PLUGIN: stripped}, "x"),
        "no 'jieba_dict_user' option",
        ".config",
    )


def test_a_search_index_kept_another_way_fails_loudly():
    plugins = indexed_search([])
    plugins[internals.SEARCH_PLUGIN].search_index = SimpleNamespace(_entries=[])  # renamed
    _fails(
        lambda: internals.add_search_text(plugins, "nn/", "layer", "+"),
        "no list of index entries",
        "search_index.entries",
    )


def test_search_entries_of_another_shape_fail_loudly():
    plugins = indexed_search([{"location": "nn/", "title": "神经网络", "text": ["a"]}])
    _fails(
        lambda: internals.add_search_text(plugins, "nn/", "layer", "+"),
        "not a dict with 'location' and 'text' strings",
        "search_index.entries",
    )


def test_changed_search_dialog_markup_fails_loudly():
    page = '<div class="md-search" data-md-component="search" role="search">'
    _fails(
        lambda: internals.name_search_dialog(page, "搜索", "nn.md"),
        "nn.md: Material's search dialog markup",
        "partials/search.html",
    )
