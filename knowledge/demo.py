"""Demo knowledge products with small real files (PDF and CSV made here), a summary made from a demo thread,
drafts in review, and FAQ items. Idempotent."""

import random

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from communities.markdown import render
from communities.models import Community, Thread
from members.models import Language, User

from . import services
from .models import FAQItem, KnowledgeProduct

PRODUCTS = [
    ("discussion_summary", "Keeping registration offices open in floods", "service-delivery-in-crisis", ["crisis response"]),
    ("faq", "FAQ: remote work rules for civil servants", "hr-management-and-motivation", ["HR management"]),
    ("lessons_learned", "Lessons learned: two years of mobile service teams", "service-delivery-in-crisis", ["public service delivery"]),
    ("guidance", "Guidance: publishing open data safely", "digital-transformation-skills", ["digital government"]),
    ("guidance", "Guidance note on merit-based promotion panels", "hr-management-and-motivation", ["HR management"]),
    ("case_study", "Case study: one-stop shops in Cambodia", "digital-transformation-skills", ["e-services"]),
    ("case_study", "Case study: women mentors in the Myanmar civil service", "gender-equality-in-the-civil-service", ["gender equality"]),
    ("toolkit", "Toolkit: running a citizen feedback survey", "service-delivery-in-crisis", ["citizen feedback"]),
    ("toolkit", "Toolkit: onboarding new staff remotely", "hr-management-and-motivation", ["training"]),
    ("data_set", "Data set: civil service headcount by province", "digital-transformation-skills", ["data literacy"]),
    ("data_set", "Data set: women in senior positions 2020-2026", "gender-equality-in-the-civil-service", ["gender equality"]),
    ("other", "Glossary of public administration terms", None, ["training"]),
    ("lessons_learned", "Lessons learned from e-procurement pilots", "digital-transformation-skills", ["procurement"]),
    ("guidance", "Checklist for continuity planning in district offices", "service-delivery-in-crisis", ["crisis response"]),
    ("case_study", "Case study: performance dialogues in Kazakhstan", "hr-management-and-motivation", ["public service motivation"]),
    ("other", "Reform sequencing: notes from the leaders' circle", "senior-leaders-circle", ["leadership"]),
]  # fmt: skip


def tiny_pdf(title: str) -> bytes:
    """A valid one-page PDF with a title line, written by hand so the seed needs nothing else."""
    text = title.encode("latin-1", "replace").replace(b"(", b"[").replace(b")", b"]")
    stream = b"BT /F1 16 Tf 72 760 Td (" + text + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]  # fmt: skip
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def tiny_csv(rng: random.Random) -> bytes:
    rows = ["province,year,staff,women"] + [
        f"Province {n},{year},{rng.randint(800, 5000)},{rng.randint(300, 2500)}" for n in range(1, 6) for year in (2025, 2026)
    ]  # fmt: skip
    return ("\n".join(rows) + "\n").encode()


@transaction.atomic
def seed_knowledge(rng: random.Random | None = None) -> int:
    rng = rng or random.Random(6)
    if KnowledgeProduct.objects.exists():
        return 0
    coordinator = User.objects.get(email="coordinator@example.org")
    leader = User.objects.get(email="leader@example.org")
    english = Language.objects.filter(code="en").first()
    now = timezone.now()
    for index, (kind, title, community_slug, tags) in enumerate(PRODUCTS):
        community = Community.objects.filter(slug=community_slug).first() if community_slug else None
        product = KnowledgeProduct.objects.create(
            type=kind, title=title, slug=services.unique_slug(title), language=english, created_by=coordinator,
            summary=f"{title}: what members of the network learned, in a few pages.",
            body=f"## Why this matters\n\n{title} came up in several discussions.\n\n## What works\n\n"
                 "- start small\n- measure\n- share what you learn\n",
            status=KnowledgeProduct.Status.PUBLISHED, published_at=now - timezone.timedelta(days=7 * index + 1),
            countries=list(community.countries)[:2] if community else [], download_count=rng.randint(0, 120),
        )  # fmt: skip
        product.body_html = render(product.body)
        product.save(update_fields=["body_html"])
        product.authors.add(coordinator if index % 2 else leader)
        product.tags.add(*tags)
        if community:
            product.communities.add(community)
        pdf = SimpleUploadedFile(f"{product.slug[:60]}.pdf", tiny_pdf(title), content_type="application/pdf")
        services.file_add(product=product, upload=pdf)
        if kind == "data_set":
            services.file_add(product=product, upload=SimpleUploadedFile(f"{product.slug[:60]}.csv", tiny_csv(rng)))
        services.product_index(product)
    # An e-discussion summary made from a demo thread, sent for review; and a draft in review by a member.
    thread = Thread.objects.filter(community__slug="service-delivery-in-crisis").order_by("pk").first()
    if thread:
        summary = services.summary_from_thread(thread=thread, community=thread.community, actor=leader)
        services.product_submit(product=summary, actor=leader)
    draft = KnowledgeProduct.objects.create(
        type="guidance", title="Draft: handling citizen complaints online", slug=services.unique_slug("complaints"),
        created_by=User.objects.get(email="member@example.org"), summary="Work in progress.",
    )  # fmt: skip
    draft.authors.add(draft.created_by)
    services.product_submit(product=draft, actor=draft.created_by)
    for community in Community.objects.all():
        for position, (question, answer) in enumerate([
            ("Who can join this community?", "Civil servants and partners working on its themes."),
            ("How do I ask an expert?", "Start a discussion; a leader routes the question to an expert."),
        ]):  # fmt: skip
            services.faq_save(FAQItem(community=community, question=question, answer=answer, position=position))
    return len(PRODUCTS) + 2
