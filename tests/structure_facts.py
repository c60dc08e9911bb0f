"""The sources and the query the structure-over-time modules share
(``tests.test_structure_over_time``, ``tests.test_structure_lookups``,
``tests.test_structure_changes``)."""

ECA = "https://eca.iom.int/iom-europe-and-central-asia"
AMERICAS_ES = "https://americas.iom.int/es/oficina-regional"
AMERICAS_EN = "https://americas.iom.int/en/who-we-are"
GLOBAL_OFFICE = "https://globalofficebrussels.iom.int/iom-global-office-brussels"

STRUCTURE = """
query Structure($asOf: Date) {
  regionalOffices(asOf: $asOf) { totalCount nodes { slug inForce(asOf: $asOf) } }
  peru: country(code: "PE") {
    regionalOffice(asOf: $asOf) {
      slug
      coverage { confidence derived }
      validFrom { value precision sourceUrl }
      predecessors { kind node { slug successors { node { slug } } } }
    }
  }
  austria: country(code: "AT") { regionalOffice(asOf: $asOf) { slug } }
  kenya: country(code: "KE") { regionalOffice(asOf: $asOf) { slug } }
}
"""
