# common.mk - what every pipeline shares: the profile, the output folder and
# how a filter's exit status is read (1 means "finished, some records were
# rejected or flagged", which a pipeline reports but does not stop on unless
# STRICT=1).

# make plan works on jilin-2020 and make evaluation on jilin-2019 unless told
ifeq ($(origin PROFILE),undefined)
ifneq ($(filter evaluation,$(MAKECMDGOALS)),)
PROFILE := jilin-2019
endif
endif
PROFILE ?= jilin-2020
PROFILE_DIR ?= samples/$(PROFILE)
OUT := out/$(notdir $(PROFILE_DIR))
XQ := $(abspath $(BIN))

# $(call tolerate,COMMAND): run COMMAND, accept exit status 1 unless STRICT=1
tolerate = { $(1); } || { s=$$?; [ $$s -eq 1 ] && [ "$(STRICT)" != 1 ]; }

$(OUT) $(OUT)/valid:
	@mkdir -p $@
