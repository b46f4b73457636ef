"""greenplan.render"""
