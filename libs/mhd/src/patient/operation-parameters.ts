import type { Parameters, ParametersParameter } from 'fhir/r4';
import { DomainError } from '@passerelle/domain';

/** Reads the `Parameters` body of an operation (an empty body means no parameter). */
export class OperationParameters {
  private readonly parameters: readonly ParametersParameter[];

  constructor(body: unknown) {
    const resource = body as Partial<Parameters> | undefined;
    if (resource && Object.keys(resource).length > 0 && resource.resourceType !== 'Parameters') {
      throw new DomainError('INVALID_RESOURCE', 'An operation takes a Parameters resource');
    }
    this.parameters = resource?.parameter ?? [];
  }

  string(name: string): string | undefined {
    const parameter = this.find(name);
    return parameter?.valueString ?? parameter?.valueCode ?? parameter?.valueIdentifier?.value;
  }

  required(name: string): string {
    const value = this.string(name);
    if (!value) throw new DomainError('METADATA_MISSING', `Parameter ${name} is required`);
    return value;
  }

  boolean(name: string): boolean | undefined {
    return this.find(name)?.valueBoolean;
  }

  date(name: string): Date | undefined {
    const parameter = this.find(name);
    const value = parameter?.valueDate ?? parameter?.valueDateTime;
    if (value === undefined) return undefined;
    const date = new Date(value);
    if (isNaN(date.getTime())) throw new DomainError('METADATA_INVALID', `${name} is not a date`);
    return date;
  }

  private find(name: string): ParametersParameter | undefined {
    return this.parameters.find((parameter) => parameter.name === name);
  }
}
