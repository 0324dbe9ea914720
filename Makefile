# The two commands a newcomer needs:
#   make demo   set everything up, ingest the sample corpus, answer the canonical question
#   make test   run the whole test suite (what CI runs)
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DEMO_HOME ?= $(CURDIR)/.citebot/demo
QUESTION ?= Did the suspects head to Ukraine?
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export ANONYMIZED_TELEMETRY := False

.PHONY: demo test test-fast fuzz install constraints clean

$(BIN)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	# The CPU build of torch, from this machine's wheel cache (plain `torch` would pull a multi-GB CUDA build).
	# constraints.txt pins every package to what the tests ran with (see its header).
	$(BIN)/python -m pip install --quiet -c constraints.txt torch==2.13.0
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]'
	# One-time ONNX export of the bundled model (the default embedding backend) into the user cache.
	$(BIN)/python -c "from bot.settings import Settings; from vectorstore.embeddings import ensure_onnx_graph; s = Settings(); print('ONNX graph:', ensure_onnx_graph(s.embedding_model, s.model_cache_path))"
	touch $@

install: $(BIN)/.installed

# The demo keeps its own store in $(DEMO_HOME), apart from your default data directory; it ends by
# saying how to ask that store yourself.
demo: install
	CITEBOT_HOME="$(DEMO_HOME)" $(BIN)/citebot ingest examples/corpus
	@echo
	@echo '$$ citebot ask "$(QUESTION)"'
	@# no warm daemon left behind by a set-up command (an ask typed at a terminal would start one)
	@CITEBOT_HOME="$(DEMO_HOME)" CITEBOT_DAEMON_AUTOSTART=false $(BIN)/citebot ask "$(QUESTION)"
	@echo
	@echo 'The demo store is in $(DEMO_HOME). To ask it yourself:'
	@echo '  . $(VENV)/bin/activate'
	@echo '  export CITEBOT_HOME="$(DEMO_HOME)"'
	@echo '  citebot ask "What did Lukashenko say about the suspects?"'

test: install
	$(BIN)/python -m pytest

test-fast: install
	$(BIN)/python -m pytest -m "not slow and not server"

# The property/fuzz suite with thousands of examples per property (CI runs the small 'ci' profile).
fuzz: install
	HYPOTHESIS_PROFILE=long $(BIN)/python -m pytest tests/fuzz -q

# Re-pin constraints.txt to the packages now in $(VENV) (keeps the file's header comment).
constraints:
	@test -x $(BIN)/python || { echo "no $(VENV): run make install first" >&2; exit 1; }
	{ sed -n '/^#/!q;p' constraints.txt; $(BIN)/python -m pip freeze --exclude-editable | grep -iv '^citebot==' \
	  | sed -E 's/^torch==([^+]*)\+.*/torch==\1/'; } > constraints.txt.new
	mv constraints.txt.new constraints.txt

clean:
	rm -rf $(VENV) .citebot .pytest_cache
