"""Orders: looking up a shopper's own orders and carrying out the changes the policy allows.

It owns the order systems (`OrderSystem`: the demo database, a store's REST API), the order
policy, the order conversation (`OrderAssistant`, its typed `OrderState`) and the audit log.
It may import the foundation of `bot` and the conversation database's schema; the turn
pipeline calls it as one responder and it never imports the pipeline back."""
