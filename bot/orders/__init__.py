"""Orders: looking up a shopper's own orders and carrying out the changes the policy allows."""
