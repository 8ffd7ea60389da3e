/**
 * The vend function's SnapStart hooks ({@link io.kitevend.snapstart.VendPriming}): warm the vend
 * path before the checkpoint, forget credentials and caches before and after it.
 *
 * <p>Composition ring (see {@code RingsTest}): it may use every other ring; nothing in the core uses
 * it.
 */
package io.kitevend.snapstart;
