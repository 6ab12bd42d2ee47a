from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from communities import access as community_access
from communities.access import communities_visible_to
from cop_platform import cards
from cop_platform.client_ip import client_ip
from cop_platform.page_cache import cached_page
from cop_platform.pagination import CappedPaginator

from . import access, product_cards, selectors, services
from .forms import ProductForm, ReturnForm
from .models import KnowledgeProduct, ProductFile


@cached_page
def library(request):
    library_filter, products = selectors.library(user=request.user, params=request.GET)
    query = library_filter.search_text
    max_pages = selectors.SEARCH_PAGES if query else None
    page = CappedPaginator(products, selectors.LIBRARY_PAGE_SIZE, max_pages=max_pages).get_page(request.GET.get("page"))
    for product in page.object_list:
        product.highlight = selectors.snippet_for(product, query) if query else ""
    # Each product's `card`: HTML, usually from the cache (knowledge/product_cards.py).
    cards.attach(page.object_list, product_cards.rendered_cards(page.object_list))
    return render(
        request,
        "knowledge/library.html",
        {
            "filter": library_filter,
            "page_obj": page,
            "query": query,
            # Matching discussions are the same on every page of a search: listed with the first only.
            "threads": selectors.search_threads(user=request.user, query=query) if query and page.number == 1 else [],
            "can_create": access.can_create(request.user),
            "is_filtered": any(request.GET.get(k) for k in library_filter.form.fields if k != "sort"),
        },
    )


@cached_page
def detail(request, slug):
    return _detail_page(request, access.get_product_for_viewer(request.user, slug))


def _detail_page(request, product, *, return_form=None, status=200):
    """The product's page; `return_form`, a "Send back" note refused, comes back with its error and the text."""
    product = selectors.product_page(product)
    can_publish = access.can_publish(request.user)
    return render(
        request,
        "knowledge/detail.html",
        {
            "product": product,
            "sources": selectors.visible_sources(user=request.user, product=product),
            "source_events": selectors.visible_source_events(user=request.user, product=product),
            "can_edit": access.can_edit(request.user, product),
            "can_submit": access.can_submit(request.user, product),
            "can_publish": can_publish,
            "return_form": (return_form or ReturnForm()) if can_publish else None,
        },
        status=status,
    )


def download(request, slug, file_pk):
    """Files are served only here: permission-checked, as attachments, never sniffed as HTML."""
    product = access.get_product_for_viewer(request.user, slug)
    product_file = get_object_or_404(ProductFile.objects.select_related("product"), pk=file_pk, product=product)
    try:
        handle = product_file.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    services.download_record(product_file=product_file, member=request.user, client_ip=client_ip(request))
    response = FileResponse(
        handle, as_attachment=True, filename=product_file.original_name, content_type=product_file.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def _editable_communities(user):
    return communities_visible_to(user).order_by("name")


@login_required
def create(request):
    if not access.can_create(request.user):
        messages.error(request, _("Join a community to write knowledge products."))
        return redirect("knowledge:library")
    return _edit(request, None)


@login_required
def edit(request, slug):
    product = access.get_product_for_viewer(request.user, slug)
    if not access.can_edit(request.user, product):
        raise Http404
    return _edit(request, product)


def _edit(request, product):
    form = ProductForm(
        request.POST or None, request.FILES or None, instance=product, communities=_editable_communities(request.user)
    )
    if request.method == "POST":
        if form.is_valid():
            product = services.product_save(form=form, author=request.user, files=form.cleaned_data["new_files"])
            messages.success(request, _("Saved as a draft.") if product.status == "draft" else _("Saved."))
            return redirect(product)
        messages.error(request, _("Nothing was saved. Please correct the errors below."))
        _ask_for_the_files_again(request, form)
    return render(request, "knowledge/form.html", {"form": form, "product": product})


def _ask_for_the_files_again(request, form):
    """A browser empties a file input when the page comes back with errors: the author would save the product
    without the files they chose unless told. Files refused for themselves have their own error, which names
    them: the others are named here."""
    refused = set(getattr(form, "refused_names", ()))
    chosen = [upload.name for upload in request.FILES.getlist("new_files") if upload.name not in refused]
    if chosen:
        messages.warning(
            request,
            _("Choose your files again before saving (%(names)s): the browser does not keep them after an error.")
            % {"names": ", ".join(chosen)},
        )


@require_POST
@login_required
def transition(request, slug, action):
    product = access.get_product_for_viewer(request.user, slug)
    # The status the page showed: a button clicked on a page that is no longer true (another coordinator sent the
    # product back, or published it, meanwhile) does nothing.
    status_seen = request.POST.get("status_seen") or None
    try:
        if action == "submit" and access.can_submit(request.user, product):
            services.product_submit(product=product, actor=request.user, status_seen=status_seen)
            messages.success(request, _("Sent for review. The coordinator will publish it or send it back."))
        elif action == "publish" and access.can_publish(request.user):
            services.product_publish(product=product, actor=request.user, status_seen=status_seen)
            messages.success(request, _("Published. The authors were told."))
        elif action == "return" and access.can_publish(request.user):
            form = ReturnForm(request.POST)
            if not form.is_valid():  # the page again, with the note as typed and what is wrong with it
                messages.error(request, _("The product was not sent back. Please correct the note below."))
                return _detail_page(request, product, return_form=form, status=400)
            note = form.cleaned_data["note"]
            services.product_return(product=product, actor=request.user, note=note, status_seen=status_seen)
            messages.success(request, _("Sent back to the authors with your note."))
        elif action == "archive" and access.can_publish(request.user):
            services.product_archive(product=product, actor=request.user)
            messages.success(request, _("Archived."))
        else:
            raise Http404
    except services.KnowledgeError as error:
        messages.error(request, str(error))
    return redirect(product)


@require_POST
@login_required
def summarize(request, slug, thread_pk):
    """'Summarize this discussion': a draft e-discussion summary pre-filled from the thread."""
    acc, thread, home = community_access.get_thread(request.user, slug, thread_pk)
    if not acc.can_manage_members:
        raise Http404
    product, created = services.summary_get_or_create(thread=thread, community=acc.community, actor=request.user)
    if created:
        messages.success(
            request, _("A draft summary was created from the discussion. Edit it, then send it for review.")
        )
    else:  # a second click: the first one's draft, opened again
        messages.info(
            request,
            _("A draft summary of this discussion already exists: it was opened. Edit it, then send it for review."),
        )
    return redirect("knowledge:edit", slug=product.slug)


def faq(request, slug):
    acc = community_access.get_community_access(request.user, slug)
    if not acc.can_read and acc.community.is_private:
        raise Http404
    return render(
        request,
        "knowledge/faq.html",
        {"community": acc.community, "access": acc, "items": selectors.faq_items(acc.community)},
    )


def my_drafts(request):
    if not request.user.is_authenticated:
        return redirect("account_login")
    products = KnowledgeProduct.objects.filter(
        authors=request.user, status__in=[KnowledgeProduct.Status.DRAFT, KnowledgeProduct.Status.IN_REVIEW]
    ).order_by("-updated_at")
    return render(request, "knowledge/drafts.html", {"products": products})
