from .base import *  # noqa: F403
from .env import envbool

DEBUG = envbool("DEBUG", True)
