"""The log itself: the envelope codec with its hash chain, and verification of the chain."""
