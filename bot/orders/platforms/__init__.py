"""Order systems on the platforms stores run on: Shopify and WooCommerce.

Each platform has a connector (`shopify`, `woocommerce`: an `OrderSystem` over the platform's
public Admin REST API, plus the catalog import of `shopbot ingest --from`), and beside it a
fake (`shopify_fake`, `woocommerce_fake`) that serves the documented payloads from a store's
files, so tests, `shopbot eval orders --store` and the live-server tests run the real
connector against a real HTTP server. `stores` renders a store given in shopbot's own seed
format (`data/orders/demo_orders.json`) into each platform's payloads. The fakes are never
imported by the runtime.
"""
