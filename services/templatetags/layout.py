"""``{% layout %}…{% endlayout %}``: a page of Django's template language in the site's
layout, which is a Jinja2 template (``templates/jinja2/layout.html``, ``services/layout.py``).

``templates/base.html`` puts its blocks inside the tag. Each block a page overrides is rendered
here, with ``{{ block.super }}`` and the rest of Django's inheritance, and handed to the layout;
a block no page overrides keeps the layout's own content.
"""

from __future__ import annotations

from django import template
from django.template import engines
from django.template.base import Parser, Token
from django.template.loader_tags import BLOCK_CONTEXT_KEY, BlockNode
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


class LayoutNode(template.Node):
    child_nodelists = ("nodelist",)  # so that pages extending base.html find its blocks

    def __init__(self, nodelist: template.NodeList) -> None:
        self.nodelist = nodelist
        self.blocks = [node for node in nodelist if isinstance(node, BlockNode)]

    def render(self, context: template.Context) -> SafeString:
        chain = context.render_context.get(BLOCK_CONTEXT_KEY)
        sections = {
            block.name: block.render(context)
            if chain is not None and chain.get_block(block.name) is not block
            else None
            for block in self.blocks
        }
        request = context.get("request")
        page = engines["jinja2"].get_template("django_page.html")
        return mark_safe(
            page.render(
                {"sections": sections, "example_content": context.get("example_content")},
                request=request,
            )
        )


@register.simple_tag(takes_context=True)
def jinja_include(context: template.Context, name: str, **extra: object) -> SafeString:
    """The Jinja2 fragment ``name``, shared with the Jinja2 pages, with this page's context."""
    fragment = engines["jinja2"].get_template(name)
    return mark_safe(
        fragment.render({**context.flatten(), **extra}, request=context.get("request"))
    )


@register.tag
def layout(parser: Parser, token: Token) -> LayoutNode:
    nodelist = parser.parse(("endlayout",))
    parser.delete_first_token()
    return LayoutNode(nodelist)
