"""The stored full-text document of each post and its copy of the thread's community (PostgreSQL), as query
expressions.

Migration 0008 adds the column `search_document` to communities_post on PostgreSQL only: a generated column,
to_tsvector('simple', body), that PostgreSQL computes whenever a body is written and that is GIN-indexed.
It is not a model field, because SQLite has no tsvector, and because no page should load it with the post
(it is about as large as the body). Queries name it through `PostSearchDocument`.

Why stored rather than an expression index: a common word is found by checking the posts of a few recent
threads one by one (see knowledge.selectors.search_threads), and checking a post against an expression index's
expression means computing to_tsvector from its body again: 40 ms for a three-word search over 60 threads,
against 3 ms reading the stored document.

Migration 0010 adds `search_community_id` beside it, kept equal to the post's thread's community by triggers,
and a GIN index on both, so that a search within a community reads only that community's part of the index.

Migration 0012 computes the document from `search_text` where a post has one, else from `body`:
to_tsvector('simple', COALESCE(search_text, body)). A reply's quote of a post a moderator has hidden since is
not searched, as the thread's page does not show it (Post.body_as_shown). PostgreSQL computes the document
whenever the row is written: hiding or showing a post re-indexes the replies that quote it by writing their
`search_text` (communities.services._quoting_replies_reindex).
"""

from django.contrib.postgres.search import SearchVectorField
from django.db.models import BigIntegerField, Expression, F


class _PostSearchColumn(Expression):
    """A PostgreSQL-only column of the query's post table (whatever alias it has, subqueries included)."""

    column = ""

    def __init__(self, body=None):
        super().__init__()
        # The body column resolves to the post table's alias in the query at hand; this column sits beside it.
        self.body = F("body") if body is None else body

    def get_source_expressions(self):
        return [self.body]

    def set_source_expressions(self, exprs):
        (self.body,) = exprs

    def as_sql(self, compiler, connection):
        if connection.vendor != "postgresql":
            raise NotImplementedError(f"posts have {self.column} on PostgreSQL only")
        column = connection.ops.quote_name(self.column)
        if self.body.alias:
            return f"{compiler.quote_name_unless_alias(self.body.alias)}.{column}", []
        return column, []


class PostSearchDocument(_PostSearchColumn):
    """The post's stored to_tsvector('simple', body)."""

    column = "search_document"
    output_field = SearchVectorField()


class PostSearchCommunity(_PostSearchColumn):
    """The post's thread's community id, copied onto the post (the first column of its GIN index)."""

    column = "search_community_id"
    output_field = BigIntegerField()
