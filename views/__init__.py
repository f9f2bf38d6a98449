"""HTTP side of Velai: one blueprint per role, thin views over core."""
