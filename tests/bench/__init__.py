"""Tests of the load harness in bench/."""
