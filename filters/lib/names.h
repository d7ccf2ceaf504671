/* names.h - community-name keys (xq-dedupe, xq-score-performance). */
#ifndef XQ_NAMES_H
#define XQ_NAMES_H

#endif
