"""greenplan.jobs"""
