"""A run's fully resolved configuration, and ``--set key=value`` parsing.

Precedence, lowest first: ``TrainConfig``'s defaults, the recipe's ``defaults``, then
the user's options. Component settings are addressed as ``generator.<arg>``,
``discriminator.<arg>`` and ``objective.<arg>`` and checked against the component's
constructor.
"""

from __future__ import annotations

import dataclasses
import inspect
import json
import math
from dataclasses import dataclass, field
from typing import Any

from ganzoo.errors import ConfigError

COMPONENTS = ("generator", "discriminator", "objective", "game")
#: seeds stay below 2**62, so the offsets the trainer adds for its RNG streams fit torch's 64 bits
MAX_SEED = 2**62


@dataclass
class TrainConfig:
    """Everything that determines a run (besides the code)."""

    model: str = ""
    data: str = "digits"
    steps: int = 10_000
    seed: int = 0
    batch_size: int = 64
    latent_dim: int = 100
    #: discriminator updates per generator update
    d_steps: int = 1
    optimizer: str = "adam"  # adam | sgd | rmsprop
    lr: float = 2e-4
    #: discriminator learning rate; None means the same as lr
    d_lr: float | None = None
    betas: tuple[float, float] = (0.5, 0.999)
    momentum: float = 0.0
    #: learning-rate schedule of both players: "none" (constant) or "linear" (from lr down
    #: to 0 at ``steps``; a resume with more steps stretches what is left of it)
    lr_decay: str = "none"
    #: where the linear decay ends, as a fraction of lr (and d_lr): 0 decays to zero, 0.25
    #: ends at a quarter of the learning rate (the samples stop settling further)
    lr_floor: float = 0.0
    #: generator EMA decay (0 = off); when on, samples come from the averaged weights
    ema: float = 0.0
    #: condition on the data's labels (needs a labelled dataset and a conditional model)
    conditional: bool = False
    log_every: int = 100
    sample_every: int = 1000
    checkpoint_every: int = 1000
    keep_checkpoints: int = 2
    device: str = "auto"
    #: CPU threads for torch. 0 (the default): the cores idle when the run starts, recorded
    #: in config.json so a resume keeps it; pin a number for bit-identical runs across loads.
    threads: int = 0
    #: the networks' arithmetic: fp32, bf16 (autocast) or fp16 (autocast and loss scaling);
    #: weights, optimizer states and losses stay float32 in each, so a resume may change it
    precision: str = "fp32"
    #: run the generator and discriminator under torch.compile (the first steps compile them)
    compile: bool = False
    #: under torchrun: BatchNorm layers as torch.nn.SyncBatchNorm, normalizing over every
    #: process's batch (CUDA only; off: each process normalizes its own batch_size samples)
    sync_batchnorm: bool = False
    #: under torchrun: seconds a process waits for the others (at a collective, or to join
    #: the job) before it stops with a message saying so
    dist_timeout: float = 600.0
    data_dir: str | None = None
    download: bool = False
    #: train on these classes of a labelled dataset only (label numbers, or class folder names),
    #: e.g. classes=0,1,2; or on all but exclude_classes=3 (anomaly detection's one-class-out
    #: protocol). Both splits keep only those classes; labels keep their numbers.
    classes: list[int | str] | None = None
    exclude_classes: list[int | str] | None = None
    #: where rows and sample grids go besides metrics.jsonl (always written): comma-separated
    #: logger plugins, e.g. "tensorboard" (see `ganzoo list --kind logger`)
    loggers: str = "jsonl"
    generator: dict[str, Any] = field(default_factory=dict)
    discriminator: dict[str, Any] = field(default_factory=dict)
    objective: dict[str, Any] = field(default_factory=dict)
    #: settings of the game (``game.<arg>``), and of the networks of the roles a game adds
    #: beyond generator and discriminator (``encoder.<arg>`` is ``networks["encoder"]``)
    game: dict[str, Any] = field(default_factory=dict)
    networks: dict[str, dict[str, Any]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> TrainConfig:
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise ConfigError(f"unknown configuration keys {unknown}; valid keys: {', '.join(sorted(known))}")
        values = dict(values)
        if "betas" in values:
            values["betas"] = tuple(values["betas"])
        return cls(**values)

    def validate(self) -> None:
        # Comparisons are written so that NaN fails them; math.isfinite catches infinity.
        checks = [
            (self.steps >= 0, "steps must be >= 0"),
            (0 <= self.seed < MAX_SEED, f"seed must be a whole number from 0 to {MAX_SEED - 1} (got {self.seed})"),
            (self.threads >= 0, "threads must be >= 0 (0: as many as there are idle cores at the start)"),
            (self.batch_size >= 1, "batch_size must be >= 1"),
            (self.latent_dim >= 1, "latent_dim must be >= 1"),
            (self.d_steps >= 1, "d_steps must be >= 1"),
            (self.lr > 0 and math.isfinite(self.lr), f"lr must be a finite number > 0, e.g. lr=2e-4 (got {self.lr})"),
            (self.d_lr is None or (self.d_lr > 0 and math.isfinite(self.d_lr)),
             f"d_lr must be a finite number > 0, or none to use lr (got {self.d_lr})"),
            (0.0 <= self.momentum < 1.0, f"momentum must lie in [0, 1), e.g. momentum=0.5 (got {self.momentum})"),
            (0.0 <= self.ema < 1.0, "ema must lie in [0, 1): 0 turns it off, 0.999 is typical"),
            (self.optimizer in ("adam", "sgd", "rmsprop"), "optimizer must be adam, sgd or rmsprop"),
            (self.lr_decay in ("none", "linear"), "lr_decay must be none or linear"),
            (0.0 <= self.lr_floor <= 1.0,
             f"lr_floor must lie in [0, 1]: the fraction of lr the linear decay ends at (got {self.lr_floor})"),
            (self.dist_timeout > 0 and math.isfinite(self.dist_timeout),
             f"dist_timeout must be a finite number of seconds > 0, e.g. dist_timeout=600 (got {self.dist_timeout})"),
            (self.precision in ("fp32", "bf16", "fp16"),
             f"precision must be fp32, bf16 or fp16 (got {self.precision!r})"),
            (len(self.betas) == 2, "betas takes two numbers, e.g. betas=0.5,0.999"),
            (all(0.0 <= b < 1.0 for b in self.betas),
             f"betas must both lie in [0, 1), e.g. betas=0.5,0.999 (got {','.join(map(str, self.betas))})"),
            (min(self.log_every, self.sample_every, self.checkpoint_every, self.keep_checkpoints) >= 1,
             "log_every, sample_every, checkpoint_every and keep_checkpoints must be >= 1"),
            (self.classes is None or self.exclude_classes is None,
             "set classes (the ones to keep) or exclude_classes (the ones to leave out), not both"),
        ]
        for ok, message in checks:
            if not ok:
                raise ConfigError(message)


# Keys that describe what is trained; a resumed run may not change them.
STRUCTURAL_KEYS = ("model", "data", "seed", "batch_size", "latent_dim", "d_steps", "optimizer",
                   "conditional", "generator", "discriminator", "objective", "game", "networks",
                   "classes", "exclude_classes")
#: settings holding a list of classes
CLASS_KEYS = ("classes", "exclude_classes")


def parse_value(text: str) -> Any:
    """A ``--set`` value: JSON where it parses (numbers, true/false, null, lists), else a
    comma-separated list, else the string itself."""
    try:
        return json.loads(text)
    except ValueError:
        pass
    if "," in text:
        return [parse_value(part.strip()) for part in text.split(",")]
    lowered = text.lower()
    if lowered in ("true", "yes", "on"):
        return True
    if lowered in ("false", "no", "off"):
        return False
    if lowered == "none":
        return None
    return text


def _coerce(key: str, value: Any, default: Any) -> Any:
    """Fit ``value`` to the type of the field's default, or raise a ConfigError naming ``key``."""
    if key in CLASS_KEYS:
        return _class_list(key, value)
    try:
        if isinstance(default, bool):
            if isinstance(value, bool):
                return value
            raise TypeError
        if isinstance(default, int):
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            if isinstance(value, bool) or not isinstance(value, int):
                raise TypeError
            return value
        if isinstance(default, float) or (default is None and key == "d_lr"):
            if value is None and default is None:
                return None
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise TypeError
            return float(value)
        if isinstance(default, tuple):
            if not isinstance(value, (list, tuple)) or len(value) != len(default):
                raise TypeError
            return tuple(float(v) for v in value)
        if isinstance(default, str) or default is None:
            if value is None:
                return None
            if isinstance(value, list) and all(isinstance(v, str) for v in value):
                return ",".join(value)  # a comma-separated value, as typed (loggers=jsonl,tensorboard)
            return str(value)
    except (TypeError, ValueError):
        pass
    raise ConfigError(f"bad value {value!r} for {key}: expected {_describe(default)}")


def _class_list(key: str, value: Any) -> list[int | str] | None:
    """``classes=3``, ``classes=0,1,2`` or ``classes=cat,dog`` as a list (None: every class)."""
    values = value if isinstance(value, list) else [value]
    if value is None:
        return None
    if not values or any(isinstance(v, bool) or not isinstance(v, (int, str)) for v in values):
        raise ConfigError(f"bad value {value!r} for {key}: expected class numbers or names, e.g. {key}=0,1,2")
    return values


def _describe(default: Any) -> str:
    if isinstance(default, bool):
        return "true or false"
    if isinstance(default, int):
        return "an integer"
    if isinstance(default, float) or default is None:
        return "a number"
    if isinstance(default, tuple):
        return f"{len(default)} comma-separated numbers, e.g. {','.join(map(str, default))}"
    return "a string"


def parse_assignments(items: list[str]) -> dict[str, Any]:
    """``["lr=1e-4", "generator.hidden=128,128"]`` → ``{"lr": 1e-4, "generator.hidden": [128, 128]}``."""
    out: dict[str, Any] = {}
    for item in items:
        key, sep, text = item.partition("=")
        key = key.strip()
        if not sep or not key:
            raise ConfigError(f"bad --set {item!r}: write key=value, e.g. --set lr=1e-4")
        out[key] = parse_value(text.strip())
    return out


def accepted_kwargs(target: Any) -> set[str] | None:
    """Keyword arguments a component's constructor takes (None: it takes any)."""
    params = inspect.signature(target).parameters
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values()):
        return None
    skip = {"self", "data", "latent_dim", "num_classes"}
    return {name for name, p in params.items() if name not in skip and p.kind is not p.VAR_POSITIONAL}


def apply_overrides(config: TrainConfig, overrides: dict[str, Any], components: dict[str, Any]) -> TrainConfig:
    """Return ``config`` with ``overrides`` applied; ``components`` maps "generator" etc. to
    the loaded class, so ``generator.<arg>`` keys can be checked against its constructor."""
    values = config.to_dict()
    fields = {f.name for f in dataclasses.fields(TrainConfig)} - {"model", "networks", *COMPONENTS}
    for key, value in overrides.items():
        head, dot, arg = key.partition(".")
        if dot and head in components:
            valid = accepted_kwargs(components[head])
            if valid is not None and arg not in valid:
                choices = ", ".join(sorted(valid)) or "none"
                raise ConfigError(f"unknown setting {key!r}: the {head} accepts {choices}")
            if head in COMPONENTS:
                values[head] = {**values[head], arg: value}
            else:  # a network of a role the game adds
                values["networks"] = {**values["networks"], head: {**values["networks"].get(head, {}), arg: value}}
        elif key in fields:
            values[key] = _coerce(key, value, getattr(TrainConfig, key, None))
        else:
            component_keys = ", ".join(f"{c}.<arg>" for c in (components or COMPONENTS))
            raise ConfigError(
                f"unknown setting {key!r}; valid keys: {', '.join(sorted(fields))}, {component_keys}"
            )
    result = TrainConfig.from_dict(values)
    result.validate()
    return result
