// Search kernels: quantized first passes over a row-major matrix of unit vectors.
#pragma once
#include <stddef.h>
#include <stdint.h>

/// Quantizes rows `(rows, dims)` to int8 stored biased by +128 (values 1...255), one scale per row.
/// `scale[i] * (q[i,j] - 128)` approximates `m[i,j]`; `resid[i]` is the L2 norm of the rounding error,
/// `qnorm[i]` the L2 norm of the dequantized row (both feed the certified error bound of a search).
void cited_quantize_rows_u8(const float *m, size_t rows, size_t dims,
                            uint8_t *q, float *scale, float *resid, float *qnorm);

/// Quantizes one query to int8 in [-64, 64] (the bound that keeps `maddubs` from saturating).
/// Returns the scale; `*error_norm` receives the L2 norm of the rounding error.
float cited_quantize_query_i8(const float *x, size_t dims, int8_t *q, float *error_norm);

/// `out[i] = sum_j (m[i,j] - 128) * x[j]` for biased-uint8 rows `(rows, dims)` and a query with |x[j]| <= 64.
void cited_dot_u8i8_rows(const uint8_t *m, size_t rows, size_t dims, const int8_t *x, int32_t *out);

/// `out[i] = dot(m[rows[i]], x)` in fp32 for a list of row indices (exact rescoring of a shortlist).
void cited_dot_f32_gather(const float *m, size_t dims, const int64_t *rows, size_t count,
                          const float *x, float *out);

/// `out[i] = sum_j (m[rows[i], j] - 128) * x[j]` for a list of rows (int8 rescoring of a shortlist).
void cited_dot_u8i8_gather(const uint8_t *m, size_t dims, const int64_t *rows, size_t count,
                           const int8_t *x, int32_t *out);

// --- 2-bit fast scan -------------------------------------------------------------------------------------
// Each dimension is quantized to 2 bits against per-dimension thresholds; a row's codes are packed
// two dimensions per nibble, two nibbles per byte, and rows are stored in blocks of 32:
// byte p of row 32b + r sits at `blocks[(b * nbytes + p) * 32 + r]`, `nbytes = (dims + 3) / 4`.
// A query becomes one 16-entry uint8 table per nibble (the scaled dot of the query's two components with
// the two dimensions' reconstruction levels), and a row's score is the sum of its nibbles' table entries.

/// Bytes of 2-bit codes per row.
size_t cited_fastscan_row_bytes(size_t dims);

/// Per-dimension quantizer from the rows' mean and spread: `levels (dims, 4)` reconstruction values
/// (Lloyd-Max for a normal distribution) and `cuts (dims, 3)` the thresholds between them.
void cited_fastscan_train(const float *m, size_t rows, size_t dims, float *levels, float *cuts);

/// Packs the rows' 2-bit codes into `ceil(rows / 32)` blocks of `32 * nbytes` bytes (padding rows get code 0).
void cited_fastscan_pack(const float *m, size_t rows, size_t dims, const float *cuts, uint8_t *blocks);

/// The query's tables `lut (2 * nbytes, 16)`: entries scaled to 0...cap with `cap * nibbles <= 65535`, so that
/// a row's sum fits 16 bits. Returns the scale (table units per unit of dot product).
float cited_fastscan_lut(const float *x, size_t dims, const float *levels, uint8_t *lut);

/// `out[32 * b + r]` = the summed table entries of row r of each of `nblocks` blocks (AVX2 `pshufb`).
void cited_fastscan_scan(const uint8_t *blocks, size_t nblocks, size_t nbytes, const uint8_t *lut, uint16_t *out);

/// The same sums by a plain loop (the reference for tests).
void cited_fastscan_scan_reference(const uint8_t *blocks, size_t nblocks, size_t nbytes, const uint8_t *lut,
                                   uint16_t *out);

/// Writes the indices `i < n` with `scores[i] >= bar` to `rows` in ascending order; returns how many.
size_t cited_select_u16(const uint16_t *scores, size_t n, uint16_t bar, int64_t *rows);

/// The largest `bar` such that at least `count` of `n` scores are `>= bar`, estimated from an evenly strided
/// sample of about `sample` scores (exact when `sample >= n` or the sample would hold fewer than 64 rows above
/// the bar); the bar is a multiple of 16, so a few more than `count` may reach it; 0 when `count >= n`.
uint16_t cited_u16_threshold(const uint16_t *scores, size_t n, size_t count, size_t sample);
