"""Query logic: list/get functions, filters, ordering, pagination and batch loads. No GraphQL."""
