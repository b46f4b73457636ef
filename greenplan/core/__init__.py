"""greenplan.core"""
