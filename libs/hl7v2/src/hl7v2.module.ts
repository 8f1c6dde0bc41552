import { Module } from '@nestjs/common';
import { Hl7v2Door } from './hl7v2-door';

/** The HL7v2 door; its use cases come from the (global) repository and registry modules. */
@Module({ providers: [Hl7v2Door], exports: [Hl7v2Door] })
export class Hl7v2Module {}
