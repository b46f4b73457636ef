"""greenplan.analysis"""
