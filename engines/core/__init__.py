"""The engine contract shared by every topic: parameter schemas, frames and the run context."""
from engines.core.frame import Frame, RunContext, RunStopped
from engines.core.params import Param, ParameterError, ParamSchema

__all__ = ["Frame", "RunContext", "RunStopped", "Param", "ParameterError", "ParamSchema"]
