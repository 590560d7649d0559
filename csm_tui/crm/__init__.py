"""The CRM connector: pulls the book from HubSpot or Salesforce, pushes logged work back.

Headless and store-agnostic: the core talks to a vendor through an adapter (`hubspot`,
`salesforce`) and to the book through the `Book` protocol (`book.py`), so the solo client
(services/crm_book.py, the local SQLite book) and, later, the team server (its own tables)
run the same mapping, paging, retry and exactly-once code.
"""
