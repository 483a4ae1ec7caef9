import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'passerelle:public';

/** Marks a route or resolver that needs no signed-in caller; everything else is guarded. */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC, true);
