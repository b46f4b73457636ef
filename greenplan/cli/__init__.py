"""greenplan.cli"""
