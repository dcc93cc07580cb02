"""The book import page (/desk/integrations/book-import/): upload a CSV of products,
customers or contracts, see every bad row of a dry run, then import the same file (kept
server-side for its user in between: it is never sent back and forth through the page).

Who may: whoever may add and change the kind's records (`customers.add_contract` and
`customers.change_contract` for contracts, ...): operations (catalog) admins.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from api.forms import BOOK_IMPORT_MAX_BYTES, KIND_LABELS, BookImportApplyForm, BookImportForm
from api.services.book import (
    KeptUpload,
    book_sync_csv,
    book_upload_discard,
    book_upload_get,
    book_upload_keep,
)
from core.errors import ServiceError
from customers.services.book import BOOK_KINDS, book_fields

# Bad rows listed on the page; the rest are counted.
PAGE_ERRORS = 200
_MODEL = {"products": "product", "customers": "customer", "contracts": "contract"}


def book_import_kinds(user) -> list[str]:
    """The kinds `user` may import: those whose records they may add and change."""
    return [
        kind
        for kind in BOOK_KINDS
        if user.has_perm(f"customers.add_{_MODEL[kind]}")
        and user.has_perm(f"customers.change_{_MODEL[kind]}")
    ]


def _run(request, kept: KeptUpload, *, dry_run: bool):
    with kept.path.open("rb") as file:
        return book_sync_csv(
            kind=kept.kind,
            file=file,
            dry_run=dry_run,
            user=request.user,
            encoding=kept.encoding,
            max_errors=PAGE_ERRORS,
            source="page",
            file_name=kept.name,
        )


@require_http_methods(["GET", "POST"])
def book_import(request):
    kinds = book_import_kinds(request.user)
    if not kinds:
        raise PermissionDenied
    form = BookImportForm(kinds=kinds)
    context = {
        "form": form,
        "columns": [(KIND_LABELS[kind], book_fields(kind)) for kind in kinds],
        "max_mb": BOOK_IMPORT_MAX_BYTES // 2**20,
    }
    if request.method == "POST" and "token" in request.POST:
        return _import(request, kinds, context)
    if request.method == "POST":
        form = context["form"] = BookImportForm(request.POST, request.FILES, kinds=kinds)
        if not form.is_valid():
            return render(request, "api/book_import.html", context, status=400)
        data = form.cleaned_data
        kept = book_upload_keep(
            user=request.user, upload=data["file"], kind=data["kind"], encoding=data["encoding"]
        )
        try:
            result = _run(request, kept, dry_run=True)
        except ServiceError as refused:
            book_upload_discard(user=request.user, token=kept.token)
            form.add_error("file", refused.message)
            return render(request, "api/book_import.html", context, status=400)
        if result.error_count:
            book_upload_discard(user=request.user, token=kept.token)
        context.update(result=result, kept=kept, kind_label=KIND_LABELS[kept.kind])
    return render(request, "api/book_import.html", context)


def _import(request, kinds: list[str], context: dict):
    apply = BookImportApplyForm(request.POST)
    try:
        if not apply.is_valid():
            raise ServiceError(_("Check the file again before importing it."))
        kept = book_upload_get(user=request.user, token=apply.cleaned_data["token"])
        if kept.kind not in kinds:
            raise PermissionDenied
        result = _run(request, kept, dry_run=False)
    except ServiceError as refused:
        messages.error(request, refused.message)
        return redirect("book_import")
    if not result.written:
        # The database changed since the dry run (a customer the file names is gone, ...).
        context.update(result=result, kept=kept, kind_label=KIND_LABELS[kept.kind])
        return render(request, "api/book_import.html", context, status=409)
    book_upload_discard(user=request.user, token=kept.token)
    messages.success(
        request,
        _(
            "%(kind)s imported from %(file)s: %(created)d created, %(updated)d updated, "
            "%(unchanged)d unchanged; %(withdrawn)d cancellation requests withdrawn."
        )
        % {
            "kind": KIND_LABELS[kept.kind],
            "file": kept.name,
            "created": result.created,
            "updated": result.updated,
            "unchanged": result.unchanged,
            "withdrawn": result.requests_withdrawn,
        },
    )
    return redirect("book_import")
