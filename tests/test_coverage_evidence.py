"""Coverage as a careful reader checks it (issue 12, "Coverage"): per-country evidence, the
inferred flag computed from it, the new sources of the addendum, and the UK's note."""

from tests.conftest import Execute
from tests.dataset_facts import office_countries

COUNTRY = """
query Country($code: String!, $asOf: Date = "2020-01-01") {
  country(code: $code) {
    regionalOffice(asOf: $asOf) { slug }
    coverageInferred(asOf: $asOf)
    coverageEvidence { office { slug } kind url quote confidence note }
    dataQualityNotes { slug severity }
  }
}
"""
INFERRED = """
query Inferred($slug: String!) {
  regionalOffice(slug: $slug) {
    coverage { confidence sourceUrl method }
    countries(asOf: "2020-01-01", first: 100) { nodes { alpha3 coverageInferred } }
  }
}
"""
PRETORIA_STRATEGY = (
    "https://publications.iom.int/books/iom-regional-strategy-southern-africa-2019-2023"
)
ROPRETORIA = "https://ropretoria.iom.int/regional-office-southern-africa"
PDFSLIDE = (
    "https://pdfslide.us/documents/"
    "iom-worldwide-iom-regional-office-south-iom-regional-office-south-america.html"
)
GUYANA_SURINAME = (
    "IOM missions in Guyana and Suriname are being coordinated by IOM Regional Office in San "
    "Jose, Costa Rica."
)


async def _data(execute: Execute, query: str, **variables: object) -> dict[str, object]:
    result = await execute(query, dict(variables))
    assert result.errors is None, result.errors
    data: dict[str, object] = result.data  # type: ignore[assignment]
    return data


async def _inferred(execute: Execute, slug: str) -> tuple[dict[str, str], dict[str, bool]]:
    office = (await _data(execute, INFERRED, slug=slug))["regionalOffice"]
    nodes = office["countries"]["nodes"]  # type: ignore[index]
    return office["coverage"], {n["alpha3"]: n["coverageInferred"] for n in nodes}  # type: ignore[index]


async def test_pretoria_is_high_with_its_iom_sources(execute: Execute) -> None:
    coverage, inferred = await _inferred(execute, "pretoria")
    assert coverage["confidence"] == "HIGH"
    assert coverage["sourceUrl"] == PRETORIA_STRATEGY
    assert coverage["method"].startswith("IOM pages name all 15 countries.")
    # Eswatini is stated (as "Swaziland"): nothing in Pretoria's list is inferred any more.
    assert inferred == dict.fromkeys(office_countries()["pretoria"], False)
    assert len(inferred) == 15


async def test_eswatini_is_stated_under_its_former_name(execute: Execute) -> None:
    country = (await _data(execute, COUNTRY, code="SWZ"))["country"]
    assert country["regionalOffice"] == {"slug": "pretoria"}  # type: ignore[index]
    assert country["coverageInferred"] is False  # type: ignore[index]
    [evidence] = country["coverageEvidence"]  # type: ignore[index]
    assert evidence["kind"] == "LISTS"
    assert evidence["url"] == PRETORIA_STRATEGY
    assert evidence["confidence"] == "HIGH"
    assert "South Africa, Swaziland, Zambia and Zimbabwe." in evidence["quote"]
    assert evidence["note"].startswith("Swaziland is the former English name of Eswatini (SWZ).")


async def test_seychelles_comes_from_the_office_page(execute: Execute) -> None:
    country = (await _data(execute, COUNTRY, code="SYC"))["country"]
    assert [(e["url"], e["quote"], e["confidence"]) for e in country["coverageEvidence"]] == [  # type: ignore[index]
        (ROPRETORIA, "Mauritius (also covering for Comoros and Seychelles)", "HIGH")
    ]


async def test_low_lists_are_inferred_country_by_country(execute: Execute) -> None:
    for slug in ("bangkok", "san-jose", "dakar"):
        _, inferred = await _inferred(execute, slug)
        assert inferred == dict.fromkeys(office_countries()[slug], True), slug
    thailand = (await _data(execute, COUNTRY, code="THA"))["country"]
    assert thailand["coverageInferred"] is True  # type: ignore[index]
    [report] = thailand["coverageEvidence"]  # type: ignore[index]
    assert (report["office"], report["kind"], report["confidence"]) == (
        {"slug": "bangkok"},
        "MENTIONS",
        "LOW",
    )


async def test_cairo_states_eight_countries_and_has_its_count_source(execute: Execute) -> None:
    coverage, inferred = await _inferred(execute, "cairo")
    assert coverage["confidence"] == "MEDIUM"
    assert coverage["sourceUrl"] == (
        "https://egypt.iom.int/en/news/international-organization-migration-iom-egypt-and-"
        "government-egypt-sign-amendment-regarding"
    )
    assert "extends its services to all 17 countries it covers" in coverage["method"]
    assert sorted(code for code, flag in inferred.items() if not flag) == [
        "BHR",
        "DZA",
        "EGY",
        "IRQ",
        "JOR",
        "KWT",
        "LBN",
        "SAU",
    ]
    assert sorted(code for code, flag in inferred.items() if flag) == [
        "ARE",
        "LBY",
        "MAR",
        "OMN",
        "QAT",
        "SDN",
        "SYR",
        "TUN",
        "YEM",
    ]


async def test_the_seed_states_switzerland_for_brussels(execute: Execute) -> None:
    _, inferred = await _inferred(execute, "brussels")
    assert [code for code, flag in inferred.items() if not flag] == ["CHE"]
    assert len(inferred) == 31


async def test_guyana_and_suriname_are_san_joses_not_buenos_aires(execute: Execute) -> None:
    for code in ("GUY", "SUR"):
        country = (await _data(execute, COUNTRY, code=code))["country"]
        assert country["regionalOffice"] == {"slug": "san-jose"}, code  # type: ignore[index]
        assert country["coverageInferred"] is True  # type: ignore[index]
        evidence = [
            (e["office"]["slug"], e["kind"], e["url"], e["quote"], e["confidence"])
            for e in country["coverageEvidence"]  # type: ignore[index]
        ]
        assert evidence[:2] == [
            ("buenos-aires", "ASSIGNED_ELSEWHERE", PDFSLIDE, GUYANA_SURINAME, "LOW"),
            ("san-jose", "LISTS", PDFSLIDE, GUYANA_SURINAME, "LOW"),
        ]
    guyana = (await _data(execute, COUNTRY, code="GUY"))["country"]
    assert [e["url"] for e in guyana["coverageEvidence"]][2:] == [  # type: ignore[index]
        "https://programamesoamerica.iom.int/en/about-us"
    ]


async def test_the_united_kingdom_has_its_evidence_and_its_note(execute: Execute) -> None:
    country = (await _data(execute, COUNTRY, code="GBR"))["country"]
    assert country["regionalOffice"] is None  # type: ignore[index]
    assert country["coverageInferred"] is False  # type: ignore[index]
    [evidence] = country["coverageEvidence"]  # type: ignore[index]
    assert evidence == {
        "office": {"slug": "brussels"},
        "kind": "LISTS",
        "url": "https://publications.iom.int/books/european-economic-area-switzerland-and-united-"
        "kingdom-regional-strategy-2020-2024",
        "quote": "European Economic Area, Switzerland and the United Kingdom",
        "confidence": "MEDIUM",
        "note": evidence["note"],
    }
    assert "no served list holds it" in evidence["note"]
    assert country["dataQualityNotes"] == [{"slug": "uk-no-office", "severity": "MEDIUM"}]  # type: ignore[index]


async def test_the_successors_lists_are_inferred(execute: Execute) -> None:
    country = (await _data(execute, COUNTRY, code="KEN", asOf="2025-06-01"))["country"]
    assert country["coverageInferred"] is False  # type: ignore[index]
    albania = (await _data(execute, COUNTRY, code="ALB", asOf="2025-06-01"))["country"]
    assert albania["regionalOffice"] == {"slug": "europe-central-asia"}  # type: ignore[index]
    assert albania["coverageInferred"] is True  # type: ignore[index]
    before = (await _data(execute, COUNTRY, code="ALB"))["country"]
    assert before["coverageInferred"] is False  # type: ignore[index]


async def test_the_un_status_has_iom_sources(execute: Execute) -> None:
    query = "{ organisation { unStatus sources { fact url note } } }"
    organisation = (await _data(execute, query))["organisation"]
    assert organisation["unStatus"] == "related organization of the United Nations"  # type: ignore[index]
    sources = {s["fact"]: s for s in organisation["sources"]}  # type: ignore[index]
    assert sources["un_status"]["url"] == (
        "https://www.iom.int/news/iom-becomes-related-organization-un"
    )
    assert sources["un_status"]["note"].startswith(
        "Member States of the United Nations (UN), through the General Assembly, today "
        "unanimously adopted a resolution"
    )
    assert sources["un_joined"]["url"] == "https://iom.int/intergovernmental-organizations"
    assert "IOM and the UN signed the agreement in September." in sources["un_joined"]["note"]
    assert not any("fanabc" in (s["url"] or "") for s in sources.values())
