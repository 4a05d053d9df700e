"""Route dispatch by path prefix: a request is matched against the entries its path could reach, not all of them.

Starlette's router tries its routes in order until one matches. adplane's app held 40-odd domain routers
with ~480 routes, so a request for a router late in the list was first tried, regex by regex, against every
route of the routers before it: 0.1-0.6 ms a request, a fifth of a campaign list's CPU (measured with
py-spy, 2026-12-07). The index files every top-level entry under the literal path segments its routes
start with, and sends a request to a router holding only the entries filed along its own path, in their
original order. A route can only match a path that starts with its literal prefix (the text before its
first `{`), so an entry left out could not have matched: order, 405s, slash redirects and the 404 come out
as the full router's. Anything whose paths cannot be read (a host route, an include with a prefix) is
filed at the root, where every request sees it.

Every domain router's routes are added to the app itself (`add_router`), so the top-level entries are single
routes, and a request sees a handful of them.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute, APIRouter
from starlette.routing import BaseRoute
from starlette.types import Receive, Scope, Send


class _Node:
    __slots__ = ("children", "entries", "router")

    def __init__(self) -> None:
        self.children: dict[str, _Node] = {}
        self.entries: set[int] = set()  # positions in the root router's route list
        self.router: APIRouter | None = None  # built on first use


def _literal_prefixes(entry: Any) -> Iterator[str] | None:
    """The literal prefixes of every path `entry` can match, or None when they cannot be read."""
    path = getattr(entry, "path_format", None) or getattr(entry, "path", None)
    if isinstance(path, str) and path.startswith("/"):
        return iter((path.partition("{")[0],))
    router = getattr(entry, "original_router", None)  # FastAPI >= 0.16x keeps included routers whole
    context = getattr(entry, "include_context", None)
    if isinstance(router, APIRouter) and not getattr(context, "prefix", ""):
        nested = [_literal_prefixes(route) for route in router.routes]
        if any(prefixes is None for prefixes in nested):
            return None
        return (prefix for prefixes in nested for prefix in prefixes or ())
    return None


def _segments(path: str) -> list[str]:
    """The path's segments that a `/` follows: `/api/v2/cmp/campaigns/list` gives api, v2, cmp, campaigns."""
    return path.split("/")[1:-1]


def _route_path(scope: Scope) -> str:
    """The path routes match against: the request path without the app's root path (as Starlette does)."""
    path: str = scope["path"]
    root_path: str = scope.get("root_path", "")
    if root_path and path.startswith(root_path) and path[len(root_path):len(root_path) + 1] in ("/", ""):
        return path[len(root_path):]
    return path


class PrefixDispatch:
    """The root router's dispatch, through the index. Rebuilt when routes are added to the app."""

    def __init__(self, root: APIRouter) -> None:
        self.root = root
        self.full_dispatch = root.middleware_stack
        self._trie: _Node | None = None
        self._built_for = -1

    def _build(self) -> _Node:
        trie = _Node()
        for position, entry in enumerate(self.root.routes):
            prefixes = _literal_prefixes(entry)
            for prefix in ("",) if prefixes is None else prefixes:
                node = trie
                for segment in _segments(prefix):
                    node = node.children.setdefault(segment, _Node())
                node.entries.add(position)
        self._trie, self._built_for = trie, len(self.root.routes)
        return trie

    def router_for(self, path: str) -> APIRouter:
        """A router with the entries filed at every node along `path`'s segments, in the root's order."""
        trie = self._trie
        if trie is None or self._built_for != len(self.root.routes):
            trie = self._build()
        node, walked = trie, [trie]
        # the last segment too: `/a/b` is redirected to `/a/b/` when a route starting `/a/b/` takes that
        for segment in path.split("/")[1:]:
            child = node.children.get(segment)
            if child is None:
                break
            node = child
            walked.append(node)
        if node.router is None:  # the same for every path that ends its walk here
            filed = set().union(*(n.entries for n in walked))
            router = APIRouter(redirect_slashes=self.root.redirect_slashes, default=self.root.default)
            router.routes.extend(self.root.routes[i] for i in sorted(filed))
            node.router = router
        return node.router

    def candidates(self, path: str) -> list[BaseRoute]:
        return self.router_for(path).routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.full_dispatch(scope, receive, send)  # lifespan
            return
        scope.setdefault("router", self.root)  # url_for and the like see the whole app
        await self.router_for(_route_path(scope)).app(scope, receive, send)


def add_router(target: FastAPI | APIRouter, router: APIRouter) -> None:
    """`target.include_router(router)`, except that a router holding only plain routes has them added to
    `target` as they are (an app, or a domain router gathering others).

    FastAPI (0.165) matches an included router twice per request: once when the app chooses among its
    entries, then again inside it to handle the request, each time trying its routes one by one. A report
    execution spent 0.3-0.5 ms there. A plain route added to the app is matched once. Nothing about the route
    changes: a router's prefix, tags and dependencies are already in each of its routes when it is built
    (`APIRouter.add_api_route`), and these routers are included without options of their own. A router that
    includes others it could not take in this way is included as usual."""
    if all(isinstance(route, APIRoute) for route in router.routes):
        target.routes.extend(router.routes)
    else:
        target.include_router(router)


def install_prefix_dispatch(app: FastAPI) -> PrefixDispatch | None:
    """Route `app`'s requests through the prefix index (call once, after its routes are registered).

    Not when the root router has middleware of its own: the index would step around it."""
    if app.router.middleware_stack != app.router.app:
        return None
    dispatch = PrefixDispatch(app.router)
    app.router.middleware_stack = dispatch
    return dispatch
