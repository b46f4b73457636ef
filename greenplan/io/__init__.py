"""greenplan.io"""
